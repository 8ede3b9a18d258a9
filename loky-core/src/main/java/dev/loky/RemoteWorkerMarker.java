package dev.loky;

/**
 * Added as a suppressed exception to every exception a task threw in a worker: it records which
 * worker process the exception comes from. It has no stack trace of its own.
 */
public final class RemoteWorkerMarker extends LokyException {

    private static final long serialVersionUID = 1L;

    private final long pid;

    public RemoteWorkerMarker(long pid) {
        super("thrown in loky worker process pid " + pid);
        this.pid = pid;
    }

    /** The pid of the worker the exception was thrown in. */
    public long pid() {
        return pid;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
