package dev.loky.internal.pool.outcome;

/**
 * What a caller-facing failure says about the worker it happened on: the facts {@link Outcomes}
 * builds its messages from, so that the failure room knows no channel (a worker's channel
 * implements this; a test can pass its own). Each method is cheap and may be called from any thread.
 */
public interface WorkerFacts {

    /** How messages name it, e.g. {@code worker 2 (pid 4711)}. */
    String name();

    /** Its process id; {@code -1} before it started. */
    long pid();

    /** The heap cap it was started with, e.g. {@code -Xmx64m}. */
    String heapCap();

    /** The last lines it wrote outside the protocol (stderr, stray stdout); {@code ""} if none. */
    String outputTail();
}
