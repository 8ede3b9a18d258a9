package dev.loky.spring.invocation;

import dev.loky.TaskSerializationException;
import dev.loky.spring.ProcessAsync;
import dev.loky.spring.ProcessAsyncExceptionHandler;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code @ProcessAsync} semantics with {@code loky.start-method=threads}: the same JSON travel and
 * return-type handling as with worker JVMs, without starting any.
 */
class ProcessAsyncThreadsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class))
            .withUserConfiguration(Beans.class)
            .withPropertyValues("loky.start-method=threads", "loky.max-workers=2", "demo.timeout=3s");

    @Test
    void synchronousCallReturnsTypedValue() {
        runner.run(context -> {
            Calculator calculator = context.getBean(Calculator.class);
            assertThat(AopUtils.isAopProxy(calculator)).isTrue();
            assertThat(calculator.add(2, 3)).isEqualTo(5);
            assertThat(calculator.points(3)).containsExactly(new Point(0, 0), new Point(1, 2), new Point(2, 4));
            assertThat(calculator.prices()).containsEntry("tea", new BigDecimal("2.50"));
            assertThat(calculator.day(LocalDate.of(2024, 2, 28))).contains(LocalDate.of(2024, 2, 29));
            assertThat(calculator.day(null)).isEmpty();
            assertThat(calculator.reverse(new byte[] {1, 2, 3})).containsExactly(3, 2, 1);
        });
    }

    @Test
    void asynchronousCallsCompleteWithTypedValues() {
        runner.run(context -> {
            Calculator calculator = context.getBean(Calculator.class);
            CompletableFuture<List<Point>> points = calculator.pointsLater(2);
            assertThat(points.get(10, TimeUnit.SECONDS)).containsExactly(new Point(0, 0), new Point(1, 2));
            Future<Point> point = calculator.pointFuture(5);
            assertThat(point.get(10, TimeUnit.SECONDS)).isEqualTo(new Point(5, 10));
        });
    }

    @Test
    void genericTypesAreResolvedAgainstTheBeanClass() {
        runner.run(context -> {
            PointRepository repository = context.getBean(PointRepository.class);
            Point point = repository.echo(new Point(7, 8));
            assertThat(point).isEqualTo(new Point(7, 8));
            assertThat(repository.echoAll(List.of(new Point(1, 1))).get(10, TimeUnit.SECONDS)).containsExactly(new Point(1, 1));
        });
    }

    @Test
    void exceptionsArriveAsThemselves() {
        runner.run(context -> {
            Calculator calculator = context.getBean(Calculator.class);
            assertThatThrownBy(() -> calculator.fail("bad")).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
            assertThatThrownBy(() -> calculator.checked()).isInstanceOf(IOException.class).hasMessage("disk");
            assertThatThrownBy(() -> calculator.failLater().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessage("later");
        });
    }

    @Test
    void argumentJacksonCannotWriteFailsInTheCallerNamingTheParameter() {
        runner.run(context -> {
            Calculator calculator = context.getBean(Calculator.class);
            assertThatThrownBy(() -> calculator.describe(new Unwritable()))
                    .isInstanceOf(TaskSerializationException.class)
                    .hasMessageContaining("'value'").hasMessageContaining("describe(")
                    .satisfies(e -> assertThat(((TaskSerializationException) e).side()).isEqualTo(TaskSerializationException.Side.ARGUMENT_IN_PARENT));
        });
    }

    @Test
    void fireAndForgetFailuresGoToTheHandler() {
        runner.run(context -> {
            Calculator calculator = context.getBean(Calculator.class);
            RecordingHandler handler = context.getBean(RecordingHandler.class);
            calculator.fireAndForget("boom");
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.errors.size() == 1);
            assertThat(handler.errors.get(0)).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            assertThat(handler.methods.get(0).getName()).isEqualTo("fireAndForget");
            assertThat(context.getBean(ProcessAsyncAnnotationBeanPostProcessor.class).getInvoker().uncaughtFailures()).isEqualTo(1);
        });
    }

    @Test
    void nestedCallsRunInline() {
        runner.run(context -> {
            Outer outer = context.getBean(Outer.class);
            String[] threads = outer.threads();
            assertThat(threads[0]).isEqualTo(threads[1]);
            assertThat(threads[0]).isNotEqualTo(Thread.currentThread().getName());
        });
    }

    @Test
    void classLevelAnnotationCoversPublicMethodsOnly() {
        runner.run(context -> {
            Outer outer = context.getBean(Outer.class);
            assertThat(outer.toString()).isEqualTo("outer");
            assertThat(outer.threadName()).isNotEqualTo(Thread.currentThread().getName());
        });
    }

    @Test
    void timeoutPlaceholdersAreResolved() {
        runner.run(context -> {
            ProcessAsyncInvoker invoker = context.getBean(ProcessAsyncAnnotationBeanPostProcessor.class).getInvoker();
            Method method = Calculator.class.getMethod("slow");
            assertThat(invoker.method(method, Calculator.class, true).timeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(invoker.method(Calculator.class.getMethod("add", int.class, int.class), Calculator.class, true).timeout()).isNull();
        });
    }

    @Test
    void cancellingTheCallersFutureCancelsTheTask() {
        runner.run(context -> {
            Calculator calculator = context.getBean(Calculator.class);
            // a task that cannot finish first (a quick one raced the cancel and sometimes won on a loaded machine)
            CompletableFuture<String> future = calculator.sleepLater(30_000);
            future.cancel(true);
            assertThat(future).isCancelled();
        });
    }

    @Test
    void joinsAnExistingProxyAndItsOtherAdviceStillApplies() {
        runner.withUserConfiguration(CachingConfig.class).run(context -> {
            CachedSquares squares = context.getBean(CachedSquares.class);
            assertThat(AopUtils.isCglibProxy(squares)).isTrue();
            assertThat(((org.springframework.aop.framework.Advised) squares).getAdvisors()[0].getAdvice())
                    .isInstanceOf(ProcessAsyncInterceptor.class);
            assertThat(squares.square(3)).isEqualTo(9);
            assertThat(squares.square(3)).isEqualTo(9);
            assertThat(squares.square(4)).isEqualTo(16);
            assertThat(CachedSquares.CALLS.get()).isEqualTo(2);
            assertThat(CachedSquares.THREAD.get()).isNotEqualTo(Thread.currentThread().getName());
        });
    }

    @Configuration(proxyBeanMethods = false)
    @org.springframework.cache.annotation.EnableCaching
    static class CachingConfig {

        @Bean
        CachedSquares cachedSquares() {
            CachedSquares.CALLS.set(0);
            return new CachedSquares();
        }

        @Bean
        org.springframework.cache.CacheManager cacheManager() {
            return new org.springframework.cache.concurrent.ConcurrentMapCacheManager("squares");
        }
    }

    public static class CachedSquares {

        static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();
        static final java.util.concurrent.atomic.AtomicReference<String> THREAD = new java.util.concurrent.atomic.AtomicReference<>();

        @ProcessAsync
        @org.springframework.cache.annotation.Cacheable("squares")
        public int square(int value) {
            CALLS.incrementAndGet();
            THREAD.set(Thread.currentThread().getName());
            return value * value;
        }
    }

    record Point(int x, int y) {
    }

    /** Written as JSON only (read-only), and its writing fails. */
    public static class Unwritable {
        @com.fasterxml.jackson.annotation.JsonProperty(access = com.fasterxml.jackson.annotation.JsonProperty.Access.READ_ONLY)
        public String getSelf() {
            throw new IllegalStateException("cannot be written");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Calculator calculator() {
            return new Calculator();
        }

        @Bean
        PointRepository pointRepository() {
            return new PointRepository();
        }

        @Bean
        Inner inner() {
            return new Inner();
        }

        @Bean
        Outer outer(Inner inner) {
            return new Outer(inner);
        }

        @Bean
        RecordingHandler recordingHandler() {
            return new RecordingHandler();
        }
    }

    static class RecordingHandler implements ProcessAsyncExceptionHandler {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<Method> methods = new CopyOnWriteArrayList<>();

        @Override
        public void handleException(Throwable error, Method method, Object... arguments) {
            methods.add(method);
            errors.add(error);
        }
    }

    public static class Calculator {

        @ProcessAsync
        public int add(int a, int b) {
            return a + b;
        }

        @ProcessAsync
        public List<Point> points(int n) {
            return java.util.stream.IntStream.range(0, n).mapToObj(i -> new Point(i, 2 * i)).toList();
        }

        @ProcessAsync
        public CompletableFuture<List<Point>> pointsLater(int n) {
            return CompletableFuture.completedFuture(points(n));
        }

        @ProcessAsync
        public Future<Point> pointFuture(int x) {
            return CompletableFuture.completedFuture(new Point(x, 2 * x));
        }

        @ProcessAsync
        public Map<String, BigDecimal> prices() {
            return Map.of("tea", new BigDecimal("2.50"), "coffee", new BigDecimal("3.10"));
        }

        @ProcessAsync
        public Optional<LocalDate> day(LocalDate before) {
            return Optional.ofNullable(before).map(d -> d.plusDays(1));
        }

        @ProcessAsync
        public byte[] reverse(byte[] bytes) {
            byte[] out = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                out[i] = bytes[bytes.length - 1 - i];
            }
            return out;
        }

        @ProcessAsync
        public String fail(String message) {
            throw new IllegalArgumentException(message);
        }

        @ProcessAsync
        public String checked() throws IOException {
            throw new IOException("disk");
        }

        @ProcessAsync
        public CompletableFuture<String> failLater() {
            return CompletableFuture.failedFuture(new IllegalStateException("later"));
        }

        @ProcessAsync
        public String describe(Unwritable value) {
            return String.valueOf(value);
        }

        @ProcessAsync
        public void fireAndForget(String message) {
            throw new IllegalStateException(message);
        }

        @ProcessAsync
        public CompletableFuture<String> sleepLater(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.completedFuture("interrupted");
            }
            return CompletableFuture.completedFuture("slept");
        }

        @ProcessAsync(timeout = "${demo.timeout}")
        public String slow() {
            return "slow";
        }
    }

    public abstract static class Repository<T> {

        @ProcessAsync
        public T echo(T value) {
            return value;
        }

        @ProcessAsync
        public CompletableFuture<List<T>> echoAll(List<T> values) {
            return CompletableFuture.completedFuture(values);
        }
    }

    public static class PointRepository extends Repository<Point> {
    }

    public static class Inner {

        @ProcessAsync
        public String threadName() {
            return Thread.currentThread().getName();
        }
    }

    @ProcessAsync
    public static class Outer {

        private final Inner inner;

        public Outer(Inner inner) {
            this.inner = inner;
        }

        public String[] threads() {
            return new String[] {Thread.currentThread().getName(), inner.threadName()};
        }

        public String threadName() {
            return Thread.currentThread().getName();
        }

        @Override
        public String toString() {
            return "outer";
        }
    }
}
