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

    /**
     * A task ended, told with what it was and where it ran (right after {@link #taskFinished}):
     * the hook for "slowest recent calls" and "recent failures" views.
     *
     * @param task the task's description (for {@code @ProcessAsync} calls: the method and bean)
     * @param workerPid the pid of the worker that ran it last, or {@code -1} if it never reached one
     * @param outcome how it ended
     * @param duration from submission to completion
     * @param error its exception (with the worker's stack), or {@code null} on success
     */
    default void taskCompleted(String task, long workerPid, TaskOutcome outcome, Duration duration, Throwable error) {
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
