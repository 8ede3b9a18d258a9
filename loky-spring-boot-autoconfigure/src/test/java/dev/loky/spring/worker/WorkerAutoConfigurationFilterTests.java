package dev.loky.spring.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkerAutoConfigurationFilterTests {

    private static final String[] CANDIDATES = {
        "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
        "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration",
        "org.springframework.boot.servlet.autoconfigure.HttpEncodingAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration",
        "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsEndpointAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        null,
        "org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.metrics.HibernateMetricsAutoConfiguration",
        "org.springframework.boot.devtools.autoconfigure.DevToolsDataSourceAutoConfiguration",
    };

    @Test
    void inAWorkerTheWebServerMvcServletAndActuatorEndpointsAreSkippedAndTheRestKept() {
        boolean[] keep = new WorkerAutoConfigurationFilter(true).match(CANDIDATES, null);
        assertThat(keep).containsExactly(false, false, false, false, false, false, true, true, true, true, true,
                false, false, false);
    }

    @Test
    void inTheApplicationsOwnJvmEverythingIsKept() {
        boolean[] keep = new WorkerAutoConfigurationFilter(false).match(CANDIDATES, null);
        assertThat(keep).containsOnly(true);
    }
}
