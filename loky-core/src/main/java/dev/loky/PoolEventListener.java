package dev.loky;

import java.time.Duration;

/**
 * Hears what happens in a pool: the hook that metrics (Micrometer in the Spring module) and logs
 * hang on. Methods are called from pool threads, never while the pool's lock is held; they must be
 * quick and must not throw (a throwing listener is logged and ignored).
 */
public interface PoolEventListener {

    /** A task ended. {@code duration} runs from submission to completion. */
    default void taskFinished(TaskOutcome outcome, Duration duration) {
    }

    /** A worker became ready after {@code startup}. */
    default void workerStarted(long pid, Duration startup) {
    }

    /** A worker died unexpectedly (not a recycle the pool asked for). */
    default void workerCrashed(long pid, int exitCode) {
    }

    /** A worker was replaced, for this reason. */
    default void workerRestarted(RestartReason reason) {
    }

    /** A worker failed to start. */
    default void workerStartupFailed(WorkerStartupException error) {
    }
}
