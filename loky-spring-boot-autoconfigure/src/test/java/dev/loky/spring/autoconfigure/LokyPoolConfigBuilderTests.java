package dev.loky.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.StartMethod;
import dev.loky.spring.LokyPoolConfigBuilder;
import dev.loky.spring.LokyPoolCustomizer;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The pool's configuration comes from a {@link LokyPoolConfigBuilder} bean, which an application may replace. */
class LokyPoolConfigBuilderTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class))
            .withPropertyValues("loky.start-method=threads");

    @Test
    void theAutoConfiguredBuilderAppliesThePropertiesAndTheCustomizers() {
        runner.withPropertyValues("loky.max-workers=3", "loky.idle-timeout=20")
                .withBean(LokyPoolCustomizer.class, () -> builder -> builder.workerMaxTasks(7))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LokyPoolConfigBuilder.class);
                    PoolConfig built = context.getBean(LokyPoolConfigBuilder.class).build();
                    assertThat(built.maxWorkers()).isEqualTo(3);
                    assertThat(built.idleTimeout()).hasSeconds(20);
                    assertThat(built.workerMaxTasks()).isEqualTo(7);
                    assertThat(built.closeOnJvmExit()).as("the context owns its pool").isFalse();
                    PoolConfig used = context.getBean(ProcessExecutor.class).config();
                    assertThat(used.maxWorkers()).isEqualTo(3);
                    assertThat(used.workerMaxTasks()).isEqualTo(7);
                });
    }

    @Test
    void anApplicationsOwnBuilderReplacesItAndRunsOnThePreparationThread() {
        runner.withUserConfiguration(OwnBuilder.class).withPropertyValues("loky.max-workers=3").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(LokyPoolConfigBuilder.class);
            assertThat(context.getBean(LokyPoolConfigBuilder.class)).isNotInstanceOf(PropertiesPoolConfigBuilder.class);
            ProcessExecutor executor = context.getBean(ProcessExecutor.class);
            PoolConfig used = executor.config();
            assertThat(used.name()).isEqualTo("mine");
            assertThat(used.maxWorkers()).as("the application's builder, not loky.max-workers").isEqualTo(1);
            assertThat(OwnBuilder.builtOn.get()).isEqualTo("loky-prepare").isNotEqualTo(Thread.currentThread().getName());
            assertThat(executor.submit(() -> 6 * 7).get()).isEqualTo(42);
        });
    }

    @Test
    void aBuilderThatFailsFailsStartUp() {
        runner.withBean(LokyPoolConfigBuilder.class, () -> () -> {
            throw new IllegalStateException("no pool for you: the vault is closed");
        }).run(context -> assertThat(context).hasFailed().getFailure()
                .rootCause().hasMessage("no pool for you: the vault is closed"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBuilder {

        static final AtomicReference<String> builtOn = new AtomicReference<>();

        @Bean
        LokyPoolConfigBuilder myPoolConfig() {
            return () -> {
                builtOn.set(Thread.currentThread().getName());
                return PoolConfig.builder().name("mine").maxWorkers(1).startMethod(StartMethod.THREADS).closeOnJvmExit(false).build();
            };
        }
    }
}
