package dev.loky.spring.autoconfigure;

import dev.loky.PoolEventListener;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import dev.loky.spring.LokyPoolConfigBuilder;
import dev.loky.spring.LokyPoolCustomizer;
import dev.loky.spring.LokyProperties;
import dev.loky.spring.ProcessAsyncExceptionHandler;
import dev.loky.spring.invocation.JsonMappers;
import dev.loky.spring.invocation.LoggingProcessAsyncExceptionHandler;
import dev.loky.spring.invocation.ProcessAsyncAnnotationBeanPostProcessor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.function.SingletonSupplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration of loky: a {@link ProcessExecutor} (a pool of worker JVMs, closed with the
 * context) and the proxies that send {@link dev.loky.spring.ProcessAsync @ProcessAsync} calls to it.
 *
 * <p>Nothing is created when {@code loky.enabled=false} ({@code @ProcessAsync} methods then run
 * inline) or in a loky worker JVM (whose slim context runs the calls, and nested calls inline).
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass(ProcessExecutor.class)
@EnableConfigurationProperties(LokyProperties.class)
@Import({LokyAutoConfiguration.PoolConfigBuilderConfiguration.class, LokyAutoConfiguration.PoolConfiguration.class, LokyAutoConfiguration.ProcessAsyncConfiguration.class})
public final class LokyAutoConfiguration {

    LokyAutoConfiguration() {
    }

    /**
     * The pool's configuration, from the properties: a bean the application may replace (as Boot's
     * {@code ThreadPoolTaskExecutorBuilder}). Also used by the cluster's executor.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnNotWorkerProcess
    @ConditionalOnBooleanProperty(name = "loky.enabled", matchIfMissing = true)
    static class PoolConfigBuilderConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LokyPoolConfigBuilder lokyPoolConfigBuilder(LokyProperties properties, ConfigurableEnvironment environment,
                ConfigurableListableBeanFactory beanFactory, ObjectProvider<ApplicationArguments> arguments,
                ObjectProvider<PoolEventListener> listeners, ObjectProvider<LokyPoolCustomizer> customizers) {
            ApplicationArguments applicationArguments = arguments.getIfAvailable();
            return new PropertiesPoolConfigBuilder(properties, environment, beanFactory,
                    applicationArguments == null ? null : applicationArguments.getSourceArgs(),
                    listeners.orderedStream().toList(), customizers.orderedStream().toList());
        }
    }

    /** The pool. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnNotWorkerProcess
    @ConditionalOnBooleanProperty(name = "loky.enabled", matchIfMissing = true)
    static class PoolConfiguration {

        /** Built on a background thread ({@link PreparedProcessExecutor}): no I/O on the thread that creates the beans. */
        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean
        ProcessExecutor lokyProcessExecutor(LokyProperties properties, LokyPoolConfigBuilder builder) {
            return new PreparedProcessExecutor(PropertiesPoolConfigBuilder.known(properties), validated -> ProcessExecutors.create(
                    builder instanceof PropertiesPoolConfigBuilder ours ? ours.build(validated) : builder.build()));
        }

        /**
         * {@code loky.prestart}: starts every worker once the application is ready, not while it
         * starts; not under a test framework.
         */
        @Bean
        @ConditionalOnBooleanProperty(name = "loky.prestart")
        @ConditionalOnBean(ProcessExecutor.class)
        ApplicationListener<ApplicationReadyEvent> lokyPrestart(ObjectProvider<ProcessExecutor> executor) {
            // in a test context, workers start on first use: a test that never calls one never spawns one
            return event -> {
                if (!TestRuns.isTestRun()) {
                    executor.ifAvailable(ProcessExecutor::prestart);
                }
            };
        }

        /** Closes the pool created above (not one the application defines itself). */
        @Bean
        @ConditionalOnBean(name = "lokyProcessExecutor")
        ProcessExecutorCloser lokyProcessExecutorCloser(@Qualifier("lokyProcessExecutor") ProcessExecutor executor, LokyProperties properties) {
            return new ProcessExecutorCloser(executor, properties.getShutdownTimeout());
        }
    }

    /** The {@code @ProcessAsync} proxies. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnNotWorkerProcess
    @ConditionalOnBooleanProperty(name = "loky.enabled", matchIfMissing = true)
    static class ProcessAsyncConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ProcessAsyncExceptionHandler lokyProcessAsyncExceptionHandler() {
            return new LoggingProcessAsyncExceptionHandler();
        }

        @Bean
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static ProcessAsyncAnnotationBeanPostProcessor processAsyncAnnotationBeanPostProcessor(ConfigurableListableBeanFactory beanFactory,
                ObjectProvider<ProcessExecutor> executor, ObjectProvider<JsonMapper> mapper, ObjectProvider<ProcessAsyncExceptionHandler> handler) {
            return new ProcessAsyncAnnotationBeanPostProcessor(beanFactory,
                    SingletonSupplier.of(executor::getObject),
                    SingletonSupplier.of(() -> mapper.getIfUnique(JsonMappers::fallback)),
                    SingletonSupplier.of(handler::getObject));
        }
    }
}
