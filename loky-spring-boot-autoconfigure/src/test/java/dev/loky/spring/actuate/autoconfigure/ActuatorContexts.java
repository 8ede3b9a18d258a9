package dev.loky.spring.actuate.autoconfigure;

import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;

/** The auto-configurations the Actuator tests' context runners are made of, named once. */
public final class ActuatorContexts {

    /** loky's pool and its health, endpoint and metrics. */
    public static final AutoConfigurations LOKY = AutoConfigurations.of(LokyAutoConfiguration.class,
            LokyHealthContributorAutoConfiguration.class, LokyEndpointAutoConfiguration.class, LokyMetricsAutoConfiguration.class);

    /** Spring Boot's health, endpoints and metrics (a simple registry) that loky's sit on. */
    public static final AutoConfigurations ACTUATOR = AutoConfigurations.of(HealthContributorAutoConfiguration.class,
            EndpointAutoConfiguration.class, MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class);

    /** A pool of two threads, no worker JVM. */
    public static final String[] THREADS_POOL = {"loky.start-method=threads", "loky.max-workers=2"};

    private ActuatorContexts() {
    }
}
