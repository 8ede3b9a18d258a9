package dev.loky.pool;

import dev.loky.WorkerStartupException;

import java.util.concurrent.TimeUnit;

/**
 * The {@link Scheduler}'s memory of failed worker starts: how many in a row, the last error, and
 * when the next start may be tried (100 ms, doubling, at most {@link #MAX_BACKOFF_MILLIS}), so a
 * worker that cannot start never causes a respawn storm. Not thread-safe: owned by the scheduler.
 */
final class StartBackoff {

    static final long MAX_BACKOFF_MILLIS = 10_000;

    private int consecutiveFailures;
    private long notBeforeNanos;
    private WorkerStartupException lastError;
    /** A retry (dispatch after the back-off) is scheduled. */
    boolean retryScheduled;
    /** A probe (one start with no task waiting, to find out if the cause is gone) is scheduled. */
    boolean probeScheduled;

    void succeeded() {
        consecutiveFailures = 0;
        notBeforeNanos = 0;
    }

    void failed(WorkerStartupException error, long now) {
        consecutiveFailures++;
        lastError = error;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(20, consecutiveFailures - 1));
        notBeforeNanos = now + TimeUnit.MILLISECONDS.toNanos(backoff);
    }

    /** {@code true} while no worker may be started. */
    boolean blocks(long now) {
        return now < notBeforeNanos;
    }

    /** How long until a worker may be started again. */
    long remainingNanos(long now) {
        return Math.max(0, notBeforeNanos - now);
    }

    int consecutiveFailures() {
        return consecutiveFailures;
    }

    WorkerStartupException lastError() {
        return lastError;
    }
}
