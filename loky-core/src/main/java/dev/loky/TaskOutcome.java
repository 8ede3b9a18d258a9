package dev.loky;

/** How a task ended; the {@code outcome} tag of the {@code loky.tasks} timer. */
public enum TaskOutcome {
    SUCCESS, ERROR, CRASH, TIMEOUT, CANCELLED;

    /** The lower-case tag value, e.g. {@code "success"}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
