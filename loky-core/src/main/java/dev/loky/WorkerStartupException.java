package dev.loky;

/**
 * A worker could not start: a JVM argument the JVM rejects, a missing class, an initializer that
 * threw, or a worker not ready within the startup timeout. Tasks waiting for a worker fail with it;
 * the pool retries with a growing back-off rather than respawning in a storm.
 */
public class WorkerStartupException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final String workerOutput;

    public WorkerStartupException(String message, String workerOutput, Throwable cause) {
        super(message, cause);
        this.workerOutput = workerOutput;
    }

    /** What the worker wrote to stderr before it failed (may be empty). */
    public String workerOutput() {
        return workerOutput;
    }
}
