package dev.loky;

/** Why a worker was replaced; the {@code reason} tag of {@code loky.worker.restarts}. */
public enum RestartReason {
    /** It died while running or waiting (exit, signal, JVM crash, OutOfMemoryError). */
    CRASH("crash"),
    /** Its retained memory grew past the leak threshold. */
    MEMORY_LEAK("memory-leak"),
    /** It ran {@code workerMaxTasks} tasks. */
    MAX_TASKS("max-tasks"),
    /** A task it ran exceeded its timeout. */
    TIMEOUT("timeout"),
    /** A cancelled task ignored its interrupt for the cancel grace period, so the worker was killed. */
    CANCEL_IGNORED("cancel-ignored");

    private final String tag;

    RestartReason(String tag) {
        this.tag = tag;
    }

    /** The tag value, e.g. {@code "memory-leak"}. */
    public String tag() {
        return tag;
    }
}
