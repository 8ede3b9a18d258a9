package dev.loky.spring.actuate;

import dev.loky.PoolEventListener;
import dev.loky.RestartReason;
import dev.loky.TaskOutcome;
import dev.loky.WorkerStartupException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The event meters of the pool, fed by the pool's {@link PoolEventListener} callbacks:
 * <ul>
 *   <li>{@value #TASKS} (timer, tag {@code outcome} = success|error|crash|timeout|cancelled): every
 *       task, from submission to completion;</li>
 *   <li>{@value #CRASHES} (counter): workers that died unexpectedly;</li>
 *   <li>{@value #RESTARTS} (counter, tag {@code reason} = crash|memory-leak|max-tasks|timeout):
 *       workers replaced, by reason;</li>
 *   <li>{@value #STARTUP} (timer): time from launching a worker to its being ready;</li>
 *   <li>{@value #STARTUP_FAILURES} (counter): workers that failed to start.</li>
 * </ul>
 * Every tag value is registered up front, so a counter that never moved reads 0 instead of being
 * absent. No meter is tagged with a pid (cardinality). This bean does not depend on the
 * {@link dev.loky.ProcessExecutor}: the auto-configured pool picks it up as a listener when it is
 * created.
 */
public class LokyMetrics implements PoolEventListener {

    public static final String TASKS = "loky.tasks";
    public static final String CRASHES = "loky.worker.crashes";
    public static final String RESTARTS = "loky.worker.restarts";
    public static final String STARTUP = "loky.worker.startup";
    public static final String STARTUP_FAILURES = "loky.worker.startup.failures";

    private final Map<TaskOutcome, Timer> tasks = new EnumMap<>(TaskOutcome.class);
    private final Map<RestartReason, Counter> restarts = new EnumMap<>(RestartReason.class);
    private final Counter crashes;
    private final Timer startup;
    private final Counter startupFailures;

    public LokyMetrics(MeterRegistry registry) {
        for (TaskOutcome outcome : TaskOutcome.values()) {
            tasks.put(outcome, Timer.builder(TASKS).description("Tasks run by the loky pool, from submission to completion")
                    .tag("outcome", outcome.tag()).register(registry));
        }
        for (RestartReason reason : RestartReason.values()) {
            restarts.put(reason, Counter.builder(RESTARTS).description("loky workers replaced, by reason")
                    .tag("reason", reason.tag()).register(registry));
        }
        crashes = Counter.builder(CRASHES).description("loky workers that died unexpectedly").register(registry);
        startup = Timer.builder(STARTUP).description("Time from launching a loky worker to its being ready").register(registry);
        startupFailures = Counter.builder(STARTUP_FAILURES).description("loky workers that failed to start").register(registry);
    }

    @Override
    public void taskFinished(TaskOutcome outcome, Duration duration) {
        tasks.get(outcome).record(duration);
    }

    @Override
    public void workerStarted(long pid, Duration startupTime) {
        startup.record(startupTime);
    }

    @Override
    public void workerCrashed(long pid, int exitCode) {
        crashes.increment();
    }

    @Override
    public void workerRestarted(RestartReason reason) {
        restarts.get(reason).increment();
    }

    @Override
    public void workerStartupFailed(WorkerStartupException error) {
        startupFailures.increment();
    }
}
