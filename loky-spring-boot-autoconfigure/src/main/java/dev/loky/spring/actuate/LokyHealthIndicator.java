package dev.loky.spring.actuate;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.LinkedHashMap;
import java.util.List;
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
 * lastStartupError (abbreviated to {@value #MAX_ERROR_LENGTH} characters); with
 * {@code loky.cluster.enabled}, members (each member's {@code host:port}: reachable or unreachable)
 * and the other details then cover the whole cluster.
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
        long ready = snapshot.workers().stream().filter(w -> w.state() == PoolSnapshot.WorkerState.IDLE || w.state() == PoolSnapshot.WorkerState.BUSY).count();
        Health.Builder builder;
        // PREPARING: the auto-configured pool is still being prepared in the background; it accepts tasks
        if (snapshot.state() != PoolSnapshot.State.RUNNING && snapshot.state() != PoolSnapshot.State.PREPARING) {
            builder = Health.down().withDetail("reason", "the pool is shut down (" + snapshot.state() + ")");
        } else if (counters.consecutiveStartupFailures() > 0 && ready == 0) {
            builder = Health.down().withDetail("reason", "workers fail to start (" + counters.consecutiveStartupFailures()
                    + " consecutive failures, no worker alive)");
        } else {
            builder = Health.up();
        }
        builder.withDetails(details(snapshot));
        List<LokyEndpoint.MemberDescriptor> members = ClusterView.members(executor);
        if (members != null) {
            // another member's loss does not make this one DOWN: its calls still run here and on the rest
            Map<String, String> reachability = new java.util.TreeMap<>();
            members.forEach(m -> reachability.put(m.name(), (m.reachable() ? "reachable" : "unreachable") + (m.local() ? " (this member)" : "")));
            builder.withDetail("members", reachability);
        }
        return builder.build();
    }

    static Map<String, Object> details(PoolSnapshot snapshot) {
        PoolSnapshot.Counters counters = snapshot.counters();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", snapshot.state().name());
        details.put("startMethod", snapshot.startMethod().name().toLowerCase(java.util.Locale.ROOT));
        details.put("maxWorkers", snapshot.maxWorkers());
        details.put("workers", snapshot.liveWorkers());
        details.put("starting", snapshot.workers().stream().filter(w -> w.state() == PoolSnapshot.WorkerState.STARTING).count());
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
