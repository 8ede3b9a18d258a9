package dev.loky.spring.actuate.autoconfigure;

import dev.loky.ProcessExecutor;
import dev.loky.spring.actuate.LokyDashboardEndpoint;
import dev.loky.spring.actuate.LokyEndpoint;
import dev.loky.spring.actuate.LokyInsights;
import dev.loky.spring.actuate.LokyInsightsMetrics;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;
import dev.loky.spring.worker.LokyWorkerContext;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conditions of the live page and of the insights: the page only when asked for, in a web
 * application, with the endpoint exposed; never in a worker. The pool runs with threads here.
 */
class LokyDashboardAutoConfigurationTests {

    private static final AutoConfigurations CONFIGS = AutoConfigurations.of(LokyAutoConfiguration.class,
            LokyEndpointAutoConfiguration.class, LokyInsightsAutoConfiguration.class, LokyDashboardAutoConfiguration.class,
            EndpointAutoConfiguration.class, MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class);

    private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(CONFIGS)
            .withPropertyValues("loky.start-method=threads", "loky.max-workers=2",
                    "management.endpoints.web.exposure.include=loky,lokydashboard");

    @Test
    void noPageByDefault() {
        web.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(LokyDashboardEndpoint.class);
            assertThat(context).hasSingleBean(LokyEndpoint.class);
        });
    }

    @Test
    void pageWhenEnabledAndExposed() {
        web.withPropertyValues("loky.dashboard.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(LokyDashboardEndpoint.class);
            String page = context.getBean(LokyDashboardEndpoint.class).page();
            assertThat(page).contains("<title>loky pool</title>").contains("function poll()").contains(".cards {")
                    .doesNotContain("/*loky:js*/").doesNotContain("/*loky:css*/").doesNotContain("http://").doesNotContain("https://");
        });
    }

    @Test
    void noPageWhenNotExposed() {
        web.withPropertyValues("loky.dashboard.enabled=true", "management.endpoints.web.exposure.include=loky")
                .run(context -> assertThat(context).doesNotHaveBean(LokyDashboardEndpoint.class));
    }

    @Test
    void noPageOutsideAWebApplication() {
        new ApplicationContextRunner().withConfiguration(CONFIGS)
                .withPropertyValues("loky.start-method=threads", "loky.dashboard.enabled=true",
                        "management.endpoints.web.exposure.include=*")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(LokyDashboardEndpoint.class);
                });
    }

    @Test
    void nothingInAWorker() {
        String previous = System.getProperty(LokyWorkerContext.WORKER_PROPERTY);
        System.setProperty(LokyWorkerContext.WORKER_PROPERTY, "true");
        try {
            web.withPropertyValues("loky.dashboard.enabled=true").run(context -> {
                assertThat(context).doesNotHaveBean(LokyDashboardEndpoint.class);
                assertThat(context).doesNotHaveBean(LokyInsights.class);
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
    void insightsListenToThePoolAndShowInTheEndpointAndMeters() {
        web.withPropertyValues("loky.insights.slow-calls=2").run(context -> {
            LokyInsights insights = context.getBean(LokyInsights.class);
            ProcessExecutor executor = context.getBean(ProcessExecutor.class);
            assertThat(executor.config().listeners()).contains(insights);
            assertThat(context).hasSingleBean(LokyInsightsMetrics.class);
            for (long millis : new long[] {30, 120, 60}) {
                executor.submit(() -> {
                    Thread.sleep(millis);
                    return millis;
                }).get();
            }
            executor.submit(() -> {
                throw new IllegalStateException("boom");
            }).exceptionally(e -> null).get();
            await().atMost(Duration.ofSeconds(5)).until(() -> insights.recentFailures().size() == 1);
            assertThat(insights.slowestCalls()).hasSize(2);
            assertThat(insights.slowestCalls().get(0).durationMillis()).isGreaterThanOrEqualTo(120);
            assertThat(insights.slowestCalls().get(1).durationMillis()).isGreaterThanOrEqualTo(60).isLessThan(120);
            LokyInsights.Failure failure = insights.recentFailures().get(0);
            assertThat(failure.exception()).contains("IllegalStateException: boom");
            assertThat(failure.stackTrace()).contains("LokyDashboardAutoConfigurationTests");
            assertThat(failure.call().outcome()).isEqualTo("error");
            LokyEndpoint.PoolDescriptor pool = context.getBean(LokyEndpoint.class).pool();
            assertThat(pool.slowCalls()).hasSize(2);
            assertThat(pool.recentFailures()).hasSize(1);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get(LokyInsightsMetrics.SLOWEST).gauge().value()).isGreaterThanOrEqualTo(0.12);
            assertThat(registry.get(LokyInsightsMetrics.MAPS).gauge().value()).isZero();
        });
    }
}
