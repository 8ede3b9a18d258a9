package dev.loky.spring.actuate.autoconfigure;

import dev.loky.ProcessExecutor;
import dev.loky.spring.actuate.LokyEndpoint;
import dev.loky.spring.actuate.LokyInsights;
import dev.loky.spring.actuate.LokyWebEndpointExtension;
import dev.loky.spring.autoconfigure.ConditionalOnNotWorkerProcess;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code loky} endpoint ({@link LokyEndpoint}), when the Actuator is on the classpath and the
 * endpoint is available (accessible and exposed: {@code management.endpoints.web.exposure.include=loky}
 * over HTTP).
 */
@AutoConfiguration(after = LokyAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class, ProcessExecutor.class})
@ConditionalOnNotWorkerProcess
@ConditionalOnSingleCandidate(ProcessExecutor.class)
public final class LokyEndpointAutoConfiguration {

    LokyEndpointAutoConfiguration() {
    }

    /** Nested, so that the Actuator's condition is only read once its classes are known to be there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(LokyEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LokyEndpoint lokyEndpoint(ProcessExecutor executor, ObjectProvider<LokyInsights> insights) {
            return new LokyEndpoint(executor, insights.getIfAvailable());
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(LokyEndpoint.class)
        LokyWebEndpointExtension lokyWebEndpointExtension(LokyEndpoint endpoint) {
            return new LokyWebEndpointExtension(endpoint);
        }
    }
}
