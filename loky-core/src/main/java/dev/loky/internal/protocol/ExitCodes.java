package dev.loky.internal.protocol;

/**
 * The exit codes a worker and its parent agree on. A JVM killed by signal N exits with 128 + N, as
 * a shell reports it; the parent names a dead worker's code from these.
 */
public final class ExitCodes {

    /**
     * A worker halts with this after an {@link OutOfMemoryError} (its state is suspect, so it is
     * replaced). Not 3, which {@code -XX:+ExitOnOutOfMemoryError} and many programs' own
     * {@code System.exit(3)} use, nor a shell (126, 127) or signal (128+) status.
     */
    public static final int AFTER_OUT_OF_MEMORY = 113;

    /** Killed with SIGKILL: how the pool stops a worker that must go now. */
    public static final int SIGKILL = 128 + 9;

    /** Stopped with SIGTERM. */
    public static final int SIGTERM = 128 + 15;

    /** Killed by SIGKILL or SIGTERM: stopped by someone (the pool, most often), not failed on its own. */
    public static boolean isStopped(int exitCode) {
        return exitCode == SIGKILL || exitCode == SIGTERM;
    }

    private ExitCodes() {
    }
}
