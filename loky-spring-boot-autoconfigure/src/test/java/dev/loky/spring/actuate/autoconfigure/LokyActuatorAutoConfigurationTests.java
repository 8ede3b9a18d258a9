package dev.loky.spring.actuate.autoconfigure;

import dev.loky.PoolConfig;
import dev.loky.PoolEventListener;
import dev.loky.ProcessExecutor;
import dev.loky.RestartReason;
import dev.loky.TaskOutcome;
import dev.loky.spring.actuate.LokyEndpoint;
import dev.loky.spring.actuate.LokyHealthIndicator;
import dev.loky.spring.actuate.LokyMetrics;
import dev.loky.spring.actuate.LokyPoolMetrics;
import dev.loky.spring.worker.LokyWorkerContext;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of the Actuator auto-configurations. The pool runs with {@code start-method=threads}
 * here (no worker JVM): these tests are about which beans exist and how they are wired.
 */
class LokyActuatorAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(ActuatorContexts.LOKY).withConfiguration(ActuatorContexts.ACTUATOR)
            .withPropertyValues(ActuatorContexts.THREADS_POOL).withPropertyValues("management.endpoints.web.exposure.include=loky");

    /**
     * Only loky's auto-configurations, for the class loaders that hide a module: in an application,
     * Spring Boot's own auto-configurations of a missing module are filtered out before they are read,
     * which a runner given explicit classes does not do.
     */
    private final ApplicationContextRunner lokyOnly = new ApplicationContextRunner()
            .withConfiguration(ActuatorContexts.LOKY)
            .withBean(MeterRegistry.class, io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
            .withPropertyValues(ActuatorContexts.THREADS_POOL).withPropertyValues("management.endpoints.web.exposure.include=loky");

    @Test
    void createsHealthEndpointAndMetricsWithTheActuator() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(LokyHealthIndicator.class);
            assertThat(context).hasBean("lokyHealthIndicator");
            assertThat(context).hasSingleBean(LokyEndpoint.class);
            assertThat(context).hasSingleBean(LokyMetrics.class);
            assertThat(context).hasSingleBean(LokyPoolMetrics.class);
            ProcessExecutor executor = context.getBean(ProcessExecutor.class);
            assertThat(executor.config().listeners()).as("the pool took the metrics listener bean").contains(context.getBean(LokyMetrics.class));
            assertThat(context.getBean(LokyHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void metersHaveTheContractsNamesAndEveryTagUpFront() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            ProcessExecutor executor = context.getBean(ProcessExecutor.class);
            assertThat(executor.submit(() -> 42).get()).isEqualTo(42);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(registry.get("loky.tasks").tag("outcome", "success").timer().count()).isEqualTo(1));
            for (TaskOutcome outcome : TaskOutcome.values()) {
                assertThat(registry.find("loky.tasks").tag("outcome", outcome.tag()).timer()).as(outcome.tag()).isNotNull();
            }
            for (RestartReason reason : RestartReason.values()) {
                assertThat(registry.get("loky.worker.restarts").tag("reason", reason.tag()).counter().count()).as(reason.tag()).isZero();
            }
            assertThat(registry.get("loky.worker.crashes").counter().count()).isZero();
            assertThat(registry.get("loky.worker.startup").timer()).isNotNull();
            assertThat(registry.get("loky.pool.max").gauge().value()).isEqualTo(2);
            assertThat(registry.get("loky.pool.size").gauge()).isNotNull();
            assertThat(registry.get("loky.pool.busy").gauge().value()).isZero();
            assertThat(registry.get("loky.tasks.queued").gauge().value()).isZero();
            assertThat(registry.get("loky.tasks.uncaught").functionCounter().count()).isZero();
            assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
                    .noneMatch(tag -> tag.getKey().equals("pid")));
        });
    }

    @Test
    void noCreationCycleWithLazyInitialization() {
        runner.withInitializer(context -> context.addBeanFactoryPostProcessor(
                new org.springframework.boot.LazyInitializationBeanFactoryPostProcessor())).run(context -> {
            assertThat(context).hasNotFailed();
            // the pool first: it pulls in the metrics listener, the registry, and the registry's binders
            ProcessExecutor executor = context.getBean(ProcessExecutor.class);
            assertThat(executor.submit(() -> 1).get()).isEqualTo(1);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(registry.get("loky.tasks").tag("outcome", "success").timer().count()).isEqualTo(1));
            assertThat(registry.get("loky.pool.max").gauge().value()).isEqualTo(2);
        });
    }

    @Test
    void healthCanBeSwitchedOff() {
        runner.withPropertyValues("management.health.loky.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(LokyHealthIndicator.class);
            assertThat(context).hasSingleBean(LokyEndpoint.class);
        });
        runner.withPropertyValues("management.health.defaults.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(LokyHealthIndicator.class));
    }

    @Test
    void endpointOnlyWhenAvailable() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health").run(context -> {
            assertThat(context).doesNotHaveBean(LokyEndpoint.class);
            assertThat(context).hasSingleBean(LokyHealthIndicator.class);
        });
        runner.withPropertyValues("management.endpoint.loky.access=NONE").run(context ->
                assertThat(context).doesNotHaveBean(LokyEndpoint.class));
    }

    @Test
    void theStarterWorksWithoutTheActuator() {
        new ApplicationContextRunner().withConfiguration(ActuatorContexts.LOKY).withPropertyValues(ActuatorContexts.THREADS_POOL)
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health",
                "org.springframework.boot.micrometer", "io.micrometer")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(ProcessExecutor.class);
            assertThat(context).doesNotHaveBean(LokyHealthIndicator.class);
            assertThat(context).doesNotHaveBean(LokyEndpoint.class);
            assertThat(context).doesNotHaveBean(LokyMetrics.class);
            assertThat(context).doesNotHaveBean(LokyPoolMetrics.class);
            assertThat(context.getBean(ProcessExecutor.class).submit(() -> "still works").get()).isEqualTo("still works");
        });
    }

    @Test
    void eachPartNeedsOnlyItsOwnModule() {
        lokyOnly.run(context -> {
            assertThat(context).hasSingleBean(LokyHealthIndicator.class);
            assertThat(context).hasSingleBean(LokyEndpoint.class);
            assertThat(context).hasSingleBean(LokyMetrics.class);
        });
        lokyOnly.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).doesNotHaveBean(LokyHealthIndicator.class);
            assertThat(context).hasSingleBean(LokyEndpoint.class);
            assertThat(context).hasSingleBean(LokyMetrics.class);
        });
        lokyOnly.withClassLoader(new FilteredClassLoader(Endpoint.class)).run(context -> {
            assertThat(context).doesNotHaveBean(LokyEndpoint.class);
            assertThat(context).hasSingleBean(LokyHealthIndicator.class);
        });
        lokyOnly.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context -> {
            assertThat(context).doesNotHaveBean(LokyMetrics.class);
            assertThat(context).doesNotHaveBean(LokyPoolMetrics.class);
            assertThat(context).hasSingleBean(LokyHealthIndicator.class);
        });
    }

    @Test
    void nothingWithoutThePool() {
        runner.withPropertyValues("loky.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ProcessExecutor.class);
            assertThat(context).doesNotHaveBean(LokyHealthIndicator.class);
            assertThat(context).doesNotHaveBean(LokyEndpoint.class);
            assertThat(context).doesNotHaveBean(LokyMetrics.class);
        });
    }

    @Test
    void nothingInAWorkerJvm() {
        String previous = System.getProperty(LokyWorkerContext.WORKER_PROPERTY);
        System.setProperty(LokyWorkerContext.WORKER_PROPERTY, "true");
        try {
            // the marker loky.worker.process=true must not disturb binding loky.* (it once did, as loky.worker=true)
            runner.run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(LokyHealthIndicator.class);
                assertThat(context).doesNotHaveBean(LokyEndpoint.class);
                assertThat(context).doesNotHaveBean(LokyMetrics.class);
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
    void backsOffForTheApplicationsOwnBeans() {
        runner.withBean("lokyHealthIndicator", LokyHealthIndicator.class, () -> new LokyHealthIndicator(null))
                .withBean(LokyEndpoint.class, () -> new LokyEndpoint(null)).run(context -> {
                    assertThat(context).hasSingleBean(LokyHealthIndicator.class);
                    assertThat(context).hasSingleBean(LokyEndpoint.class);
                });
    }

    @Test
    void theApplicationsOwnPoolGetsGaugesButMustAddTheListenerItself() {
        runner.withBean(ProcessExecutor.class, () -> dev.loky.ProcessExecutors.create(PoolConfig.builder()
                .startMethod(dev.loky.StartMethod.THREADS).maxWorkers(5).build()), bd -> bd.setDestroyMethodName("shutdownNow")).run(context -> {
            assertThat(context).hasNotFailed();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("loky.pool.max").gauge().value()).isEqualTo(5);
            List<PoolEventListener> listeners = context.getBean(ProcessExecutor.class).config().listeners();
            assertThat(listeners).isEmpty();
        });
    }
}
