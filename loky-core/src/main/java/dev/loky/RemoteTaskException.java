package dev.loky;

/**
 * A task threw an exception whose class cannot be rebuilt in the caller's JVM (it is not on the
 * caller's classpath, or it could not be serialized). It carries the original class name and
 * message, and the worker's stack frames as its own stack trace; its cause is the original cause,
 * rebuilt the same way.
 */
public class RemoteTaskException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final String remoteClassName;

    public RemoteTaskException(String remoteClassName, String remoteMessage, StackTraceElement[] stack, Throwable cause) {
        super(remoteClassName + (remoteMessage == null ? "" : ": " + remoteMessage), cause);
        this.remoteClassName = remoteClassName;
        if (stack != null) {
            setStackTrace(stack);
        }
    }

    /** The fully qualified class name of the exception the task threw. */
    public String remoteClassName() {
        return remoteClassName;
    }
}
