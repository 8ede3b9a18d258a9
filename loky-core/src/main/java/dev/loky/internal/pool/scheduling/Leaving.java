package dev.loky.internal.pool.scheduling;

import dev.loky.RestartReason;

/**
 * Why a worker leaves the pool: the one vocabulary for every departure. A planned departure is
 * decided by the {@link Scheduler} (and the worker then gets no new task); {@link #CRASHED} is the
 * only one that is not planned: the worker died on its own.
 */
public enum Leaving {
    /** Idle longer than the idle timeout. */
    IDLE(null, false),
    /** The pool was resized below its live workers. */
    RESIZE(null, false),
    /** The pool shuts down. */
    SHUTDOWN(null, false),
    /** It ran {@code workerMaxTasks} tasks. */
    MAX_TASKS(RestartReason.MAX_TASKS, false),
    /** Its retained memory grew past the leak threshold. */
    MEMORY_LEAK(RestartReason.MEMORY_LEAK, false),
    /** A task it ran exceeded its timeout. */
    TIMEOUT(RestartReason.TIMEOUT, true),
    /** A cancelled task ignored its interrupt for the grace period. */
    CANCEL_IGNORED(RestartReason.CANCEL_IGNORED, true),
    /** It answered a task with an {@code OutOfMemoryError} and halts itself; counted as a crash. */
    OUT_OF_MEMORY(RestartReason.CRASH, false),
    /** It sent no heartbeat for the heartbeat timeout (frozen, swapped out): killed; counted as a crash. */
    UNRESPONSIVE(RestartReason.CRASH, true),
    /** Its answer could not be read within its deadline (a value built to be slow to read): killed; counted as a crash. */
    UNREADABLE_REPLY(RestartReason.CRASH, true),
    /** It was not ready within the startup timeout. */
    STARTUP_TIMEOUT(null, true),
    /** A start-up cache recorder that finished recording. */
    RECORDED(null, false),
    /** Stopped while still starting (resize, shutdown): no failure. */
    KILLED(null, true),
    /** Died on its own (exit, signal, JVM crash). Never decided in advance. */
    CRASHED(RestartReason.CRASH, false);

    /** What its replacement is counted under ({@code loky.worker.restarts}), or {@code null}. */
    public final RestartReason restart;
    /** Killed (SIGKILL) rather than asked to exit. */
    final boolean kill;

    Leaving(RestartReason restart, boolean kill) {
        this.restart = restart;
        this.kill = kill;
    }

    /** Counted as a crash ({@code loky.worker.crashes}). */
    public boolean isCrash() {
        return this == CRASHED || this == OUT_OF_MEMORY || this == UNRESPONSIVE || this == UNREADABLE_REPLY;
    }
}
