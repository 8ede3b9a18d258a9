package dev.loky.it.realapp;

import dev.loky.spring.InvalidProcessAsyncMethodException;
import dev.loky.spring.ProcessAsync;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JPA {@link Owner} (its {@code pets} a final, getter-only collection) used to arrive in the
 * worker without its pets, silently. Now such a signature fails start-up.
 */
class LossyEntityTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withPropertyValues("loky.worker.startup-cache=off")
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class))
            .withUserConfiguration(OwnerServiceConfig.class);

    @Test
    void anEntityWithAGetterOnlyCollectionFailsStartup() {
        runner.run(context -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure())).isInstanceOf(InvalidProcessAsyncMethodException.class)
                .hasMessageContaining(Owner.class.getName()).hasMessageContaining("'pets'")
                .hasMessageContaining("cannot be read back"));
    }

    @Test
    void theUserCanOptOut() {
        runner.withPropertyValues("loky.json.verify-round-trip=false").run(context -> assertThat(context).hasNotFailed());
    }

    public static class OwnerService {

        @ProcessAsync
        public int petCount(Owner owner) {
            return owner.getPets().size();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnerServiceConfig {

        @Bean
        OwnerService ownerService() {
            return new OwnerService();
        }
    }
}
