package dev.loky.internal.pool.scheduling;

import dev.loky.PoolEventListener;
import dev.loky.PoolSnapshot;
import dev.loky.RestartReason;
import dev.loky.TaskOutcome;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters every executor keeps ({@code ProcessPool} and {@code ThreadPool}). They only count and
 * tell the listeners; {@link PoolTask#finish} completes a future and calls them.
 *
 * <p>Thread-safe: each counter is atomic; a snapshot reads them one by one, so its figures may be
 * a few tasks apart from each other while tasks finish.
 */
public final class PoolCounters {

    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    final AtomicLong crashes = new AtomicLong();
    final AtomicLong startupFailures = new AtomicLong();
    private final Map<RestartReason, AtomicLong> restarts = new EnumMap<>(RestartReason.class);
    private final Listeners listeners;

    public PoolCounters(List<PoolEventListener> listeners) {
        this.listeners = new Listeners(listeners);
        for (RestartReason reason : RestartReason.values()) {
            restarts.put(reason, new AtomicLong());
        }
    }

    public Listeners listeners() {
        return listeners;
    }

    /** A task was submitted. */
    public void submitted() {
        submitted.incrementAndGet();
    }

    void restarted(RestartReason reason) {
        restarts.get(reason).incrementAndGet();
    }

    /** Counts a task that finished with {@code error} ({@code null}: it succeeded); {@link PoolTask#finish} calls it once per task. */
    void count(Throwable error) {
        (error == null ? succeeded : failed).incrementAndGet();
    }

    /** Tells the listeners that {@code task} finished; {@link PoolTask#finish} calls it once per task, after its future completed. */
    void tellFinished(PoolTask<?> task, Throwable error) {
        TaskOutcome outcome = PoolTask.outcomeOf(error);
        Duration elapsed = task.elapsed();
        listeners.fire(l -> l.taskFinished(outcome, elapsed));
        listeners.fire(l -> l.taskCompleted(task.description, task.workerPid, outcome, elapsed, error));
    }

    /** A caller cancelled its task. */
    public void cancelled(PoolTask<?> task) {
        cancelled.incrementAndGet();
        Duration elapsed = task.elapsed();
        listeners.fire(l -> l.taskFinished(TaskOutcome.CANCELLED, elapsed));
    }

    public PoolSnapshot.Counters snapshot(int consecutiveStartupFailures) {
        Map<String, Long> restartCounts = new LinkedHashMap<>();
        restarts.forEach((reason, n) -> {
            if (n.get() > 0) {
                restartCounts.put(reason.tag(), n.get());
            }
        });
        return new PoolSnapshot.Counters(submitted.get(), succeeded.get(), failed.get(), cancelled.get(), crashes.get(),
                Map.copyOf(restartCounts), startupFailures.get(), consecutiveStartupFailures);
    }
}
