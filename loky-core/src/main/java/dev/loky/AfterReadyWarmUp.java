package dev.loky;

/**
 * An {@linkplain PoolConfig.Builder#initializer(RemoteRunnable) initializer} that has more to do
 * in a new worker than it must do before the worker may take tasks. Its {@link #warmUp()} runs in
 * each new worker right after the worker reported ready (so its time never counts against the
 * start-up timeout), beside the worker's first tasks, and before the worker takes the reference
 * its memory-leak protection measures against, so that what the warm-up keeps is not taken for a
 * leak. Spring's worker context uses it to create the beans the application called in earlier
 * workers: a call that needs one of them meanwhile waits for it, as it would have otherwise.
 *
 * <p>An exception thrown by {@link #warmUp()} is written to the worker's output and otherwise
 * ignored: the worker stays ready, and what was not warmed is paid for by the first task that needs it.
 */
public interface AfterReadyWarmUp {

    /** Runs once in each new worker, on its main thread, after it reported ready. */
    void warmUp();
}
