package dev.loky.spring.autoconfigure;

import dev.loky.PoolConfig;
import dev.loky.PoolEventListener;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import dev.loky.StartMethod;
import dev.loky.spring.InvalidLokyPropertyException;
import dev.loky.spring.InvalidProcessAsyncMethodException;
import dev.loky.spring.LokyPoolCustomizer;
import dev.loky.spring.LokyProperties;
import dev.loky.spring.ProcessAsync;
import dev.loky.spring.ProcessAsyncExceptionHandler;
import dev.loky.spring.invocation.ProcessAsyncAnnotationBeanPostProcessor;
import dev.loky.spring.worker.LokyWorkerContext;
import dev.loky.spring.worker.WorkerContextInitializer;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class LokyAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class));

    @Test
    void createsPoolProxiesAndDefaults() {
        runner.withUserConfiguration(ServiceConfig.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ProcessExecutor.class);
            assertThat(context).hasSingleBean(ProcessAsyncAnnotationBeanPostProcessor.class);
            assertThat(context).hasSingleBean(ProcessAsyncExceptionHandler.class);
            assertThat(context).hasSingleBean(ProcessExecutorCloser.class);
            assertThat(AopUtils.isAopProxy(context.getBean(Service.class))).isTrue();
            PoolConfig config = context.getBean(ProcessExecutor.class).config();
            assertThat(config.maxWorkers()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
            assertThat(config.taskTimeout()).isNull();
            assertThat(config.startMethod()).isEqualTo(StartMethod.SPAWN);
            assertThat(config.prestart()).isFalse();
            assertThat(config.workerMaxTasks()).isZero();
            assertThat(config.startupTimeout()).isEqualTo(Duration.ofSeconds(60));
            assertThat(config.memoryLeakProtection()).isTrue();
            assertThat(config.memoryLeakThresholdBytes()).isEqualTo(100L * 1024 * 1024);
            assertThat(config.memoryCheckInterval()).isEqualTo(Duration.ofSeconds(1));
            // workers never run DevTools' restarter, which reads only this system property
            // and give freed native memory back to the OS where the JDK can (Linux, 17.0.9+, 21.0.1+, 22+)
            assertThat(config.jvmArgs()).containsExactly(workerArgs());
            assertThat(config.initializer()).isInstanceOf(WorkerContextInitializer.class);
        });
    }

    @Test
    void bindsEveryPropertyIntoThePoolConfig() {
        runner.withPropertyValues("loky.max-workers=3", "loky.idle-timeout=45s", "loky.task-timeout=2m",
                "loky.worker.max-tasks=7", "loky.worker.startup-timeout=9s", "loky.memory.leak-protection=false",
                "loky.memory.leak-threshold=64MB", "loky.memory.check-interval=250ms", "loky.worker.jvm-args=-Xmx64m,-Dfoo=bar",
                "loky.worker.sources=dev.loky.spring.autoconfigure.LokyAutoConfigurationTests$ServiceConfig",
                "loky.worker.profiles=extra", "loky.shutdown-timeout=0s", "loky.worker.startup-cache=off").run(context -> {
            assertThat(context).hasNotFailed();
            LokyProperties properties = context.getBean(LokyProperties.class);
            assertThat(properties.getWorker().getStartupCache()).isEqualTo(LokyProperties.StartupCache.OFF);
            assertThat(properties.getShutdownTimeout()).isZero();
            PoolConfig config = context.getBean(ProcessExecutor.class).config();
            assertThat(config.maxWorkers()).isEqualTo(3);
            assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
            assertThat(config.taskTimeout()).isEqualTo(Duration.ofMinutes(2));
            assertThat(config.workerMaxTasks()).isEqualTo(7);
            assertThat(config.startupTimeout()).isEqualTo(Duration.ofSeconds(9));
            assertThat(config.memoryLeakProtection()).isFalse();
            assertThat(config.memoryLeakThresholdBytes()).isEqualTo(DataSize.ofMegabytes(64).toBytes());
            assertThat(config.memoryCheckInterval()).isEqualTo(Duration.ofMillis(250));
            assertThat(config.jvmArgs()).containsExactly(workerArgs("-Xmx64m", "-Dfoo=bar"));
            WorkerContextInitializer initializer = (WorkerContextInitializer) config.initializer();
            assertThat(initializer.sources()).containsExactly(ServiceConfig.class.getName());
            assertThat(initializer.profiles()).containsExactly("extra", LokyWorkerContext.PROFILE);
            context.getBean(ProcessExecutor.class).shutdownNow();
        });
    }

    /** What the starter puts on every worker's command line on this JDK, then the user's arguments. */
    private static String[] workerArgs(String... user) {
        List<String> args = new java.util.ArrayList<>();
        if (PropertiesPoolConfigBuilder.trimsNativeHeap(Runtime.version(), System.getProperty("os.name"))) {
            args.add(PropertiesPoolConfigBuilder.TRIM_NATIVE_HEAP);
        }
        args.add(PropertiesPoolConfigBuilder.DEVTOOLS_RESTART_OFF);
        if (java.util.Arrays.stream(user).noneMatch(arg -> arg.matches("-XX:\\+Use\\w*GC"))) {
            args.add(PropertiesPoolConfigBuilder.SERIAL_GC);
        }
        args.addAll(List.of(user));
        return args.toArray(String[]::new);
    }

    @Test
    void nativeHeapTrimmingIsOnlyAskedOfJdksThatHaveTheFlagOnLinux() {
        assertThat(PropertiesPoolConfigBuilder.trimsNativeHeap(Runtime.Version.parse("17.0.8"), "Linux")).isFalse();
        assertThat(PropertiesPoolConfigBuilder.trimsNativeHeap(Runtime.Version.parse("17.0.9"), "Linux")).isTrue();
        assertThat(PropertiesPoolConfigBuilder.trimsNativeHeap(Runtime.Version.parse("20.0.2"), "Linux")).isFalse();
        assertThat(PropertiesPoolConfigBuilder.trimsNativeHeap(Runtime.Version.parse("21"), "Linux")).isFalse();
        assertThat(PropertiesPoolConfigBuilder.trimsNativeHeap(Runtime.Version.parse("21.0.1"), "Linux")).isTrue();
        assertThat(PropertiesPoolConfigBuilder.trimsNativeHeap(Runtime.Version.parse("25"), "Linux")).isTrue();
        assertThat(PropertiesPoolConfigBuilder.trimsNativeHeap(Runtime.Version.parse("25"), "Mac OS X")).isFalse();
    }

    @Test
    void springWorkersUseTheSerialCollectorUnlessTheUserNamesOne() {
        runner.run(context -> {
            assertThat(context.getBean(ProcessExecutor.class).config().jvmArgs()).contains(PropertiesPoolConfigBuilder.SERIAL_GC);
            context.getBean(ProcessExecutor.class).shutdownNow();
        });
        runner.withPropertyValues("loky.worker.jvm-args=-XX:+UseG1GC").run(context -> {
            assertThat(context.getBean(ProcessExecutor.class).config().jvmArgs()).contains("-XX:+UseG1GC")
                    .doesNotContain(PropertiesPoolConfigBuilder.SERIAL_GC);
            context.getBean(ProcessExecutor.class).shutdownNow();
        });
    }

    @Test
    void aUsersOwnNativeHeapTrimIntervalIsKept() {
        runner.withPropertyValues("loky.worker.jvm-args=-XX:TrimNativeHeapInterval=0").run(context -> {
            PoolConfig config = context.getBean(ProcessExecutor.class).config();
            assertThat(config.jvmArgs()).doesNotContain(PropertiesPoolConfigBuilder.TRIM_NATIVE_HEAP).contains("-XX:TrimNativeHeapInterval=0");
            context.getBean(ProcessExecutor.class).shutdownNow();
        });
    }

    @Test
    void bareNumbersAreSecondsAndMegabytes() {
        runner.withPropertyValues("loky.idle-timeout=20", "loky.memory.leak-threshold=10", "loky.start-method=threads", "loky.prestart=true").run(context -> {
            PoolConfig config = context.getBean(ProcessExecutor.class).config();
            assertThat(config.prestart()).as("workers start when the application is ready, not with the pool").isFalse();
            assertThat(context).hasBean("lokyPrestart");
            assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(20));
            assertThat(config.memoryLeakThresholdBytes()).isEqualTo(10L * 1024 * 1024);
        });
    }

    @Test
    void prestartStartsEveryWorkerWhenTheApplicationIsReady() {
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues("loky.prestart=true", "loky.max-workers=2").run(context -> {
            ProcessExecutor executor = context.getBean(ProcessExecutor.class);
            try {
                assertThat(executor.snapshot().workers()).as("nothing starts before the application is ready").isEmpty();
                context.publishEvent(new org.springframework.boot.context.event.ApplicationReadyEvent(
                        new org.springframework.boot.SpringApplication(), new String[0], context, Duration.ofSeconds(1)));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90))
                        .until(() -> executor.snapshot().liveWorkers() == 2);
            } finally {
                executor.shutdownNow();
            }
        });
    }

    @Test
    void withoutPrestartNoWorkerStartsBeforeTheFirstCall() {
        runner.withUserConfiguration(ServiceConfig.class).run(context -> {
            assertThat(context).doesNotHaveBean("lokyPrestart");
            context.getBean(ProcessExecutor.class).shutdownNow();
        });
    }

    @Test
    void threadsStartMethodHasNoWorkerContext() {
        runner.withPropertyValues("loky.start-method=THREADS").run(context -> {
            PoolConfig config = context.getBean(ProcessExecutor.class).config();
            assertThat(config.startMethod()).isEqualTo(StartMethod.THREADS);
            assertThat(config.initializer()).isNull();
        });
    }

    @Test
    void disabledCreatesNothingAndMethodsRunInline() {
        runner.withUserConfiguration(ServiceConfig.class).withPropertyValues("loky.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ProcessExecutor.class);
            assertThat(context).doesNotHaveBean(ProcessAsyncAnnotationBeanPostProcessor.class);
            assertThat(context).hasSingleBean(LokyProperties.class);
            Service service = context.getBean(Service.class);
            assertThat(AopUtils.isAopProxy(service)).isFalse();
            assertThat(service.twice(21)).isEqualTo(42);
        });
    }

    @Test
    void inAWorkerProcessCreatesNoPoolAndNoProxies() {
        String previous = System.getProperty(LokyWorkerContext.WORKER_PROPERTY);
        System.setProperty(LokyWorkerContext.WORKER_PROPERTY, "true");
        try {
            runner.withUserConfiguration(ServiceConfig.class).withPropertyValues("loky.worker.jvm-args=-Xmx64m").run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(ProcessExecutor.class);
                assertThat(context).doesNotHaveBean(ProcessAsyncAnnotationBeanPostProcessor.class);
                assertThat(AopUtils.isAopProxy(context.getBean(Service.class))).isFalse();
                // the worker marker must not disturb binding of loky.worker.*
                assertThat(context.getBean(LokyProperties.class).getWorker().getJvmArgs()).containsExactly("-Xmx64m");
            });
        } finally {
            if (previous == null) {
                System.clearProperty(LokyWorkerContext.WORKER_PROPERTY);
            } else {
                System.setProperty(LokyWorkerContext.WORKER_PROPERTY, previous);
            }
        }
    }

    @Test
    void backsOffFromUserDefinedExecutorAndHandler() {
        runner.withUserConfiguration(UserBeans.class).run(context -> {
            assertThat(context).hasSingleBean(ProcessExecutor.class);
            assertThat(context.getBean(ProcessExecutor.class)).isSameAs(context.getBean(UserBeans.class).executor);
            assertThat(context).doesNotHaveBean(ProcessExecutorCloser.class);
            assertThat(context.getBean(ProcessAsyncExceptionHandler.class)).isSameAs(UserBeans.HANDLER);
        });
    }

    @Test
    void appliesListenersAndCustomizers() {
        PoolEventListener listener = new PoolEventListener() {
        };
        runner.withBean(PoolEventListener.class, () -> listener)
                .withBean(LokyPoolCustomizer.class, () -> builder -> builder.name("custom"))
                .run(context -> {
                    PoolConfig config = context.getBean(ProcessExecutor.class).config();
                    assertThat(config.listeners()).containsExactly(listener);
                    assertThat(config.name()).isEqualTo("custom");
                });
    }

    @Test
    void thePoolIsPreparedOffTheThreadThatCreatesTheBeans() {
        java.util.List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner.withPropertyValues("loky.worker.jvm-args=-Xmx64m")
                .withBean(LokyPoolCustomizer.class, () -> builder -> threads.add(Thread.currentThread().getName()))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(ProcessExecutor.class).config(); // waits for the preparation
                    assertThat(threads).containsExactly("loky-prepare").doesNotContain(Thread.currentThread().getName());
                });
    }

    @Test
    void backsOffWithoutLokyCore() {
        runner.withClassLoader(new FilteredClassLoader(ProcessExecutor.class)).withUserConfiguration(ServiceConfig.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ProcessExecutor.class);
            assertThat(context).doesNotHaveBean(LokyProperties.class);
        });
    }

    @Test
    void worksWithoutSpringBootJackson() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(JacksonAutoConfiguration.class))
                .withUserConfiguration(ServiceConfig.class).withPropertyValues("loky.start-method=threads").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(Service.class).twice(4)).isEqualTo(8);
                });
    }

    @Test
    void invalidValuesFailStartupNamingTheProperty() {
        Stream.of("loky.max-workers=0", "loky.idle-timeout=-1s", "loky.task-timeout=0s", "loky.worker.max-tasks=-1",
                "loky.worker.startup-timeout=0s", "loky.memory.leak-threshold=0MB", "loky.memory.check-interval=-5s",
                "loky.worker.java-home=/no/such/jdk", "loky.worker.sources=com.example.NoSuchApplication", "loky.shutdown-timeout=-1s").forEach(assignment -> {
            String property = assignment.substring(0, assignment.indexOf('='));
            runner.withPropertyValues(assignment).run(context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidLokyPropertyException.class)
                        .hasMessageContaining(property);
            });
        });
    }

    @Test
    void jvmArgumentTheWorkerJvmRejectsFailsStartup() {
        runner.withPropertyValues("loky.worker.jvm-args=-XX:+NoSuchLokyOption").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidLokyPropertyException.class)
                    .hasMessageContaining("loky.worker.jvm-args").hasMessageContaining("NoSuchLokyOption");
        });
    }

    @Test
    void unsupportedProcessAsyncSignatureFailsStartup() {
        runner.withUserConfiguration(BadServiceConfig.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidProcessAsyncMethodException.class)
                    .hasMessageContaining("lines(");
        });
    }

    @Test
    void unresolvableTypeVariableFailsStartup() {
        runner.withBean("rawRepository", GenericService.class, GenericService::new).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidProcessAsyncMethodException.class)
                    .hasMessageContaining("echo(").hasMessageContaining("cannot be resolved");
        });
    }

    @Test
    void privateAnnotatedMethodFailsStartup() {
        runner.withBean(PrivateService.class, PrivateService::new).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidProcessAsyncMethodException.class)
                    .hasMessageContaining("private method");
        });
    }

    public static class GenericService<T> {

        @ProcessAsync
        public T echo(T value) {
            return value;
        }
    }

    public static class PrivateService {

        @ProcessAsync
        private String hidden() {
            return "hidden";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ServiceConfig {

        @Bean
        Service service() {
            return new Service();
        }
    }

    public static class Service {

        @ProcessAsync
        public int twice(int value) {
            return value * 2;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BadServiceConfig {

        @Bean
        BadService badService() {
            return new BadService();
        }
    }

    public static class BadService {

        @ProcessAsync
        public Stream<String> lines(String text) {
            return text.lines();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBeans {

        static final ProcessAsyncExceptionHandler HANDLER = (error, method, arguments) -> {
        };

        final ProcessExecutor executor = ProcessExecutors.create(PoolConfig.builder().startMethod(StartMethod.THREADS).maxWorkers(1).build());

        @Bean(destroyMethod = "shutdownNow")
        ProcessExecutor myExecutor() {
            return executor;
        }

        @Bean
        ProcessAsyncExceptionHandler myHandler() {
            return HANDLER;
        }
    }

}
