package dev.loky.spring.invocation;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.loky.TaskSerializationException;
import dev.loky.spring.InvalidProcessAsyncMethodException;
import dev.loky.spring.ProcessAsync;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** No silent data loss: types whose JSON does not read back fail start-up; calls are read strictly. */
class JsonRoundTripTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withPropertyValues("loky.worker.startup-cache=off")
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class));

    @Test
    void aGetterOnlyCollectionParameterFailsStartupNamingTypePropertyAndFix() {
        runner.withUserConfiguration(GetterOnlyConfig.class).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            // thrown where the context waits for the background check (or wrapped, were it thrown while creating the bean)
            assertThat(org.springframework.core.NestedExceptionUtils.getMostSpecificCause(failure)).isInstanceOf(InvalidProcessAsyncMethodException.class)
                    .hasMessageContaining(Customer.class.getName()).hasMessageContaining("'orders'")
                    .hasMessageContaining("its parameter 'customer'");
            InvalidProcessAsyncMethodException cause = (InvalidProcessAsyncMethodException) org.springframework.core.NestedExceptionUtils
                    .getMostSpecificCause(failure);
            assertThat(cause.action()).contains("DTO or record").contains("setter").contains("@JsonCreator")
                    .contains("spring.jackson.mapper.use-getters-as-setters=true").contains("loky.json.verify-round-trip=false");
        });
    }

    @Test
    void aLossyTypeNestedInACollectionOrMapOfTheResultIsFound() {
        runner.withUserConfiguration(NestedConfig.class).run(context -> assertThat(
                org.springframework.core.NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
                .isInstanceOf(InvalidProcessAsyncMethodException.class).hasMessageContaining("its result")
                .hasMessageContaining(Customer.class.getName()));
    }

    @Test
    void aLazyBeanCreatedAfterStartUpIsCheckedWhenItIsCreated() {
        runner.withUserConfiguration(LazyGetterOnlyConfig.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThatThrownBy(() -> context.getBean(LossyService.class))
                    .satisfies(e -> assertThat(org.springframework.core.NestedExceptionUtils.getMostSpecificCause(e))
                            .isInstanceOf(InvalidProcessAsyncMethodException.class).hasMessageContaining("'orders'"));
        });
    }

    @Test
    void recordsBeansWithSettersAndReadOnlyDerivedPropertiesStart() {
        runner.withUserConfiguration(GoodConfig.class).run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void theCheckCanBeSwitchedOff() {
        runner.withUserConfiguration(GetterOnlyConfig.class).withPropertyValues("loky.json.verify-round-trip=false")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void callsAreReadStrictly() throws Exception {
        ProcessAsyncMethod method = ProcessAsyncMethod.analyze(GoodService.class.getMethod("total", Order.class), GoodService.class, null, false);
        JsonMapper mapper = JsonMappers.forCalls(JsonMapper.builder().build(), true);
        byte[][] json = {"{\"item\":\"tea\",\"quantity\":2,\"colour\":\"green\"}".getBytes(StandardCharsets.UTF_8)};
        assertThatThrownBy(() -> method.readArguments(mapper, json, TaskSerializationException.Side.ARGUMENT_IN_WORKER))
                .isInstanceOf(TaskSerializationException.class).hasMessageContaining("colour");
        assertThat(method.readArguments(JsonMappers.forCalls(JsonMapper.builder().build(), false), json,
                TaskSerializationException.Side.ARGUMENT_IN_WORKER)[0]).isEqualTo(new Order("tea", 2));
    }

    /** An entity-style class: its collection is a final field with only a getter. */
    public static class Customer {

        private String name;

        private final List<String> orders = new ArrayList<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public List<String> getOrders() {
            return orders;
        }
    }

    public record Order(String item, int quantity) {
    }

    /** A bean with setters and a derived property marked read-only. */
    public static class Basket {

        private List<Order> orders = new ArrayList<>();

        public List<Order> getOrders() {
            return orders;
        }

        public void setOrders(List<Order> orders) {
            this.orders = orders;
        }

        @JsonProperty(access = JsonProperty.Access.READ_ONLY)
        public int getSize() {
            return orders.size();
        }
    }

    public static class LossyService {

        @ProcessAsync
        public int count(Customer customer) {
            return customer.getOrders().size();
        }
    }

    public static class NestedService {

        @ProcessAsync
        public Map<String, List<Customer>> byCity() {
            return Map.of();
        }
    }

    public static class GoodService {

        @ProcessAsync
        public int total(Order order) {
            return order.quantity();
        }

        @ProcessAsync
        public Optional<Basket> basket(List<Order> orders) {
            return Optional.empty();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class GetterOnlyConfig {

        @Bean
        LossyService lossyService() {
            return new LossyService();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LazyGetterOnlyConfig {

        @Bean
        @org.springframework.context.annotation.Lazy
        LossyService lossyService() {
            return new LossyService();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NestedConfig {

        @Bean
        NestedService nestedService() {
            return new NestedService();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class GoodConfig {

        @Bean
        GoodService goodService() {
            return new GoodService();
        }
    }

    /** Declared types whose JSON names no class would come back as other classes: refused at start-up. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(classes = {ObjectParameter.class, SerializableResult.class,
            ObjectList.class, NumberParameter.class, ObjectValuedMap.class, ObjectInARecord.class})
    void aTypeThatWouldReadBackAsAnotherClassFailsStartup(Class<?> service) {
        runner.withBean(service).run(context -> {
            Throwable failure = context.getStartupFailure();
            assertThat(failure).as(service.getSimpleName()).isNotNull();
            Throwable cause = org.springframework.core.NestedExceptionUtils.getMostSpecificCause(failure);
            assertThat(cause).isInstanceOf(InvalidProcessAsyncMethodException.class).hasMessageContaining("reads back as another one");
            assertThat(((InvalidProcessAsyncMethodException) cause).action()).contains("Declare the concrete type");
        });
    }

    @Test
    void concreteTypesStillPass() {
        runner.withBean(ConcreteTypes.class).run(context -> assertThat(context).hasNotFailed());
    }

    public static class ObjectParameter {
        @ProcessAsync
        public String echo(Object value) {
            return String.valueOf(value);
        }
    }

    public static class SerializableResult {
        @ProcessAsync
        public java.io.Serializable value() {
            return 1;
        }
    }

    public static class ObjectList {
        @ProcessAsync
        public java.util.List<Object> values() {
            return java.util.List.of(1);
        }
    }

    public static class NumberParameter {
        @ProcessAsync
        public double half(Number value) {
            return value.doubleValue() / 2;
        }
    }

    public static class ObjectValuedMap {
        @ProcessAsync
        public java.util.concurrent.CompletableFuture<java.util.Map<String, Object>> values() {
            return java.util.concurrent.CompletableFuture.completedFuture(java.util.Map.of());
        }
    }

    public record Holder(String name, Object value) {
    }

    public static class ObjectInARecord {
        @ProcessAsync
        public Holder hold(String name) {
            return new Holder(name, 1);
        }
    }

    public record Priced(String name, java.math.BigDecimal price, int[] counts) {
    }

    public static class ConcreteTypes {
        @ProcessAsync
        public java.util.Map<String, java.util.List<Priced>> priced(java.util.Optional<java.math.BigDecimal> floor, java.util.List<Priced> items) {
            return java.util.Map.of();
        }
    }
}
