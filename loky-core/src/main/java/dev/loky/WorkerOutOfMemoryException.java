package dev.loky;

/**
 * A task ran its worker JVM out of memory. The cause is the worker's own {@link OutOfMemoryError},
 * with its stack; the message names the worker's pid and heap cap. The worker is replaced (a JVM
 * after an {@code OutOfMemoryError} is not trusted with another task). This exception exists so that
 * the caller's JVM never sees a bare {@code OutOfMemoryError} that it, its framework or an on-call
 * engineer could take for its own: the caller's memory is not affected.
 */
public class WorkerOutOfMemoryException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final long pid;

    public WorkerOutOfMemoryException(String message, long pid, Throwable cause) {
        super(message, cause);
        this.pid = pid;
    }

    /** The pid of the worker that ran out of memory. */
    public long pid() {
        return pid;
    }
}
