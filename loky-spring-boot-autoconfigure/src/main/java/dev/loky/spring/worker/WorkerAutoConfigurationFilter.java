package dev.loky.spring.worker;

import dev.loky.internal.worker.WorkerMain;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;

import java.util.List;

/**
 * Inside a worker JVM, skips the auto-configurations a worker never uses: web servers, Spring MVC
 * and WebFlux, the servlet stack, and the Actuator's endpoints and health (the worker serves no
 * HTTP; the parent reports on the pool), the metrics of the application's infrastructure (their
 * binders would start a connection pool or JPA in every worker) and DevTools. Skipping them before their classes are even loaded is a
 * large part of a worker's start-up time. Everything else, including metrics, Jackson and HTTP
 * clients, is kept, since an {@code @ProcessAsync} bean may depend on it. In the application's own
 * JVM this filter keeps everything.
 */
public final class WorkerAutoConfigurationFilter implements AutoConfigurationImportFilter {

    /** Package prefixes of the auto-configurations skipped in workers. */
    static final List<String> SKIPPED_IN_WORKERS = List.of(
            "org.springframework.boot.tomcat.",
            "org.springframework.boot.jetty.",
            "org.springframework.boot.undertow.",
            "org.springframework.boot.reactor.netty.",
            "org.springframework.boot.webmvc.",
            "org.springframework.boot.webflux.",
            "org.springframework.boot.servlet.",
            "org.springframework.boot.websocket.",
            "org.springframework.boot.actuate.autoconfigure.",
            "org.springframework.boot.health.autoconfigure.",
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsEndpointAutoConfiguration",
            // metrics that instrument the application's infrastructure bind to it as soon as a
            // meter registry exists, which would start the connection pool, JPA or the caches in
            // every worker; a worker's meters are not scraped (the parent reports on the pool)
            "org.springframework.boot.jdbc.autoconfigure.metrics.",
            "org.springframework.boot.hibernate.autoconfigure.metrics.",
            "org.springframework.boot.cache.autoconfigure.metrics.",
            "org.springframework.boot.data.autoconfigure.metrics.",
            "org.springframework.boot.micrometer.metrics.autoconfigure.task.",
            "org.springframework.boot.micrometer.metrics.autoconfigure.startup.",
            // DevTools never restarts nor reloads a worker (it is switched off there)
            "org.springframework.boot.devtools.",
            // a worker must never start a Hazelcast member: it would join the application's cluster
            "org.springframework.boot.hazelcast.autoconfigure.",
            "dev.loky.spring.actuate.");

    private final boolean worker;

    public WorkerAutoConfigurationFilter() {
        this(WorkerMain.isWorkerProcess());
    }

    WorkerAutoConfigurationFilter(boolean worker) {
        this.worker = worker;
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean[] keep = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = !worker || autoConfigurationClasses[i] == null || !skipped(autoConfigurationClasses[i]);
        }
        return keep;
    }

    static boolean skipped(String className) {
        for (String prefix : SKIPPED_IN_WORKERS) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
