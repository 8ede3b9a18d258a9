package dev.loky.spring.actuate.autoconfigure;

import dev.loky.ProcessExecutor;
import dev.loky.spring.actuate.LokyMetrics;
import dev.loky.spring.actuate.LokyPoolMetrics;
import dev.loky.spring.autoconfigure.ConditionalOnNotWorkerProcess;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;
import dev.loky.spring.invocation.ProcessAsyncAnnotationBeanPostProcessor;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of the loky pool, when Micrometer and a {@link MeterRegistry} are there.
 *
 * <p>Two beans, so that nothing forms a creation cycle: {@link LokyMetrics} is a
 * {@link dev.loky.PoolEventListener} that depends only on the registry (the auto-configured pool
 * takes every listener bean when it is created, so it must not depend on the pool);
 * {@link LokyPoolMetrics} is a {@code MeterBinder} whose gauges look the pool up only when they are
 * read (binding can happen while the pool is being created, e.g. with lazy initialization).
 */
@AutoConfiguration(after = LokyAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, ProcessExecutor.class})
@ConditionalOnNotWorkerProcess
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(ProcessExecutor.class)
public final class LokyMetricsAutoConfiguration {

    LokyMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    LokyMetrics lokyMetrics(MeterRegistry registry) {
        return new LokyMetrics(registry);
    }

    @Bean
    @ConditionalOnMissingBean
    LokyPoolMetrics lokyPoolMetrics(ObjectProvider<ProcessExecutor> executor,
            ObjectProvider<ProcessAsyncAnnotationBeanPostProcessor> processAsync) {
        return new LokyPoolMetrics(executor::getIfUnique, () -> {
            ProcessAsyncAnnotationBeanPostProcessor postProcessor = processAsync.getIfAvailable();
            return postProcessor == null ? 0 : postProcessor.uncaughtFailures();
        });
    }
}
