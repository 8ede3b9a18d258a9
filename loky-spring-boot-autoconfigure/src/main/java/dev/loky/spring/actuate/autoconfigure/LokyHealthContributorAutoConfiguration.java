package dev.loky.spring.actuate.autoconfigure;

import dev.loky.ProcessExecutor;
import dev.loky.spring.actuate.LokyHealthIndicator;
import dev.loky.spring.autoconfigure.ConditionalOnNotWorkerProcess;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code loky} health contributor ({@link LokyHealthIndicator}), when {@code spring-boot-health}
 * is on the classpath and {@code management.health.loky.enabled} is not {@code false}.
 */
@AutoConfiguration(after = LokyAutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({HealthIndicator.class, ProcessExecutor.class})
@ConditionalOnNotWorkerProcess
@ConditionalOnSingleCandidate(ProcessExecutor.class)
public final class LokyHealthContributorAutoConfiguration {

    LokyHealthContributorAutoConfiguration() {
    }

    /** Nested, so that the health module's condition is only read once its classes are known to be there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEnabledHealthIndicator("loky")
    static class HealthIndicatorConfiguration {

        /** Named {@code lokyHealthIndicator}: the contributor's name is {@code loky}. */
        @Bean
        @ConditionalOnMissingBean(name = "lokyHealthIndicator")
        LokyHealthIndicator lokyHealthIndicator(ProcessExecutor executor) {
            return new LokyHealthIndicator(executor);
        }
    }
}
