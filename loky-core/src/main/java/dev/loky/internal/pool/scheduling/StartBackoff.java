package dev.loky.internal.pool.scheduling;

import dev.loky.WorkerStartupException;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@link Scheduler}'s memory of failed worker starts: how many in a row, the last error, and
 * when the next start may be tried (100 ms, doubling, at most {@link #MAX_BACKOFF_MILLIS}), so a
 * worker that cannot start never causes a respawn storm. It arms the two timers of a back-off, at
 * most one of each at a time: a retry (dispatch again once starts are allowed) and a probe (one
 * start with no task waiting, so the pool recovers, and reports so, as soon as the cause is gone).
 * Not thread-safe: owned by the scheduler.
 */
final class StartBackoff {

    static final long MAX_BACKOFF_MILLIS = 10_000;

    private final LongSupplier clock;
    private final Effects effects;
    private final PoolCounters counters;
    private int consecutiveFailures;
    private long notBeforeNanos;
    private WorkerStartupException lastError;
    private boolean retryScheduled;
    private boolean probeScheduled;

    StartBackoff(LongSupplier clock, Effects effects, PoolCounters counters) {
        this.clock = clock;
        this.effects = effects;
        this.counters = counters;
    }

    void succeeded() {
        consecutiveFailures = 0;
        notBeforeNanos = 0;
    }

    /** Counts a failed start ({@code loky.worker.startup.failures}) and backs off. */
    void failed(WorkerStartupException error) {
        counters.startupFailures.incrementAndGet();
        consecutiveFailures++;
        lastError = error;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(20, consecutiveFailures - 1));
        notBeforeNanos = clock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(backoff);
    }

    /** {@code true} while no worker may be started. */
    boolean blocks() {
        return clock.getAsLong() < notBeforeNanos;
    }

    /** Workers are needed but starts are backing off: a {@link Timer.Kind#RETRY} fires when it has passed. */
    void scheduleRetry() {
        if (!retryScheduled) {
            retryScheduled = true;
            effects.arm(Timer.Kind.RETRY, null, null, remainingNanos());
        }
    }

    /** No worker is left after a failed start: a {@link Timer.Kind#PROBE} fires when the back-off has passed. */
    void scheduleProbe() {
        if (!probeScheduled) {
            probeScheduled = true;
            effects.arm(Timer.Kind.PROBE, null, null, remainingNanos());
        }
    }

    /** The retry timer fired: another may be armed. */
    void retryFired() {
        retryScheduled = false;
    }

    /** The probe timer fired: another may be armed; {@code true} while starts are failing (the probe is still wanted). */
    boolean probeFired() {
        probeScheduled = false;
        return consecutiveFailures > 0;
    }

    private long remainingNanos() {
        return Math.max(0, notBeforeNanos - clock.getAsLong());
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    WorkerStartupException lastError() {
        return lastError;
    }
}
