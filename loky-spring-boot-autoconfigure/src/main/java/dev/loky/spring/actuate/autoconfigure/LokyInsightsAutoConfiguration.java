package dev.loky.spring.actuate.autoconfigure;

import dev.loky.ProcessExecutor;
import dev.loky.spring.LokyProperties;
import dev.loky.spring.actuate.LokyInsights;
import dev.loky.spring.actuate.LokyInsightsMetrics;
import dev.loky.spring.autoconfigure.ConditionalOnNotWorkerProcess;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Worker insights: the {@link LokyInsights} listener (slowest recent calls, recent failures; shown
 * by {@code /actuator/loky} and the live page), and its meters when Micrometer is there.
 *
 * <p>The listener depends on nothing but the properties, so the pool can take it when it is
 * created (the pool takes every {@code PoolEventListener} bean) without a creation cycle.
 */
@AutoConfiguration(after = LokyAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(ProcessExecutor.class)
@ConditionalOnNotWorkerProcess
@ConditionalOnBean(LokyProperties.class)
public final class LokyInsightsAutoConfiguration {

    LokyInsightsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    LokyInsights lokyInsights(LokyProperties properties) {
        return new LokyInsights(properties.getInsights().getSlowCalls());
    }

    /** Nested, so that Micrometer's classes are only read once they are known to be there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LokyInsightsMetrics lokyInsightsMetrics(ObjectProvider<ProcessExecutor> executor, LokyInsights insights) {
            return new LokyInsightsMetrics(executor::getIfUnique, insights);
        }
    }
}
