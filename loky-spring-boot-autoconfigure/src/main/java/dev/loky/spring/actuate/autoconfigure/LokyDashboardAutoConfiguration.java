package dev.loky.spring.actuate.autoconfigure;

import dev.loky.ProcessExecutor;
import dev.loky.spring.actuate.LokyDashboardEndpoint;
import dev.loky.spring.autoconfigure.ConditionalOnNotWorkerProcess;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The live pool page ({@link LokyDashboardEndpoint}, {@code /actuator/lokydashboard}): only with
 * {@code loky.dashboard.enabled=true}, in a web application with the Actuator, when the endpoint is
 * available (exposed over HTTP: {@code management.endpoints.web.exposure.include=loky,lokydashboard}).
 */
@AutoConfiguration(after = LokyAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class, ProcessExecutor.class})
@ConditionalOnWebApplication
@ConditionalOnNotWorkerProcess
@ConditionalOnBooleanProperty("loky.dashboard.enabled")
@ConditionalOnSingleCandidate(ProcessExecutor.class)
public final class LokyDashboardAutoConfiguration {

    LokyDashboardAutoConfiguration() {
    }

    /** Nested, so that the Actuator's condition is only read once its classes are known to be there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(LokyDashboardEndpoint.class)
    static class DashboardEndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LokyDashboardEndpoint lokyDashboardEndpoint() {
            return new LokyDashboardEndpoint();
        }
    }
}
