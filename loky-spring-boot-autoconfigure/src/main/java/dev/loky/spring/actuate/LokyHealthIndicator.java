package dev.loky.spring.actuate;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code loky} health contributor.
 *
 * <ul>
 *   <li>{@code DOWN} when the pool is shut down (it accepts no more tasks);</li>
 *   <li>{@code DOWN} when workers keep failing to start: the last start attempt failed (the
 *       pool's {@code consecutiveStartupFailures} is not 0) and no worker is alive to run tasks;
 *       the details then carry the last startup error;</li>
 *   <li>{@code UP} otherwise, including a pool with no live worker at all (idle: workers start on
 *       demand). It returns to {@code UP} as soon as a worker starts again, which resets
 *       {@code consecutiveStartupFailures} to 0.</li>
 * </ul>
 * Details: state, maxWorkers, workers (live), busy, queued, crashes, restarts (by reason),
 * startupFailures, consecutiveStartupFailures and, while the last start attempt failed,
 * lastStartupError (abbreviated to {@value #MAX_ERROR_LENGTH} characters).
 */
public class LokyHealthIndicator implements HealthIndicator {

    /** A startup error's message can carry the worker's output: keep the health response readable. */
    static final int MAX_ERROR_LENGTH = 2000;

    private final ProcessExecutor executor;

    public LokyHealthIndicator(ProcessExecutor executor) {
        this.executor = executor;
    }

    @Override
    public Health health() {
        PoolSnapshot snapshot = executor.snapshot();
        PoolSnapshot.Counters counters = snapshot.counters();
        long ready = snapshot.workers().stream().filter(w -> w.state().equals("IDLE") || w.state().equals("BUSY")).count();
        Health.Builder builder;
        // PREPARING: the auto-configured pool is still being prepared in the background; it accepts tasks
        if (!"RUNNING".equals(snapshot.state()) && !"PREPARING".equals(snapshot.state())) {
            builder = Health.down().withDetail("reason", "the pool is shut down (" + snapshot.state() + ")");
        } else if (counters.consecutiveStartupFailures() > 0 && ready == 0) {
            builder = Health.down().withDetail("reason", "workers fail to start (" + counters.consecutiveStartupFailures()
                    + " consecutive failures, no worker alive)");
        } else {
            builder = Health.up();
        }
        builder.withDetails(details(snapshot));
        return builder.build();
    }

    static Map<String, Object> details(PoolSnapshot snapshot) {
        PoolSnapshot.Counters counters = snapshot.counters();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", snapshot.state());
        details.put("startMethod", snapshot.startMethod().name().toLowerCase(java.util.Locale.ROOT));
        details.put("maxWorkers", snapshot.maxWorkers());
        details.put("workers", snapshot.liveWorkers());
        details.put("starting", snapshot.workers().stream().filter(w -> w.state().equals("STARTING")).count());
        details.put("busy", snapshot.busyWorkers());
        details.put("queued", snapshot.queued());
        details.put("crashes", counters.crashes());
        details.put("restarts", new java.util.TreeMap<>(counters.restarts()));
        details.put("startupFailures", counters.startupFailures());
        details.put("consecutiveStartupFailures", counters.consecutiveStartupFailures());
        if (counters.consecutiveStartupFailures() > 0 && snapshot.lastStartupError() != null) {
            details.put("lastStartupError", abbreviate(snapshot.lastStartupError()));
        }
        return details;
    }

    static String abbreviate(String message) {
        return message.length() <= MAX_ERROR_LENGTH ? message : message.substring(0, MAX_ERROR_LENGTH) + "... (truncated)";
    }
}
