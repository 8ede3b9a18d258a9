package dev.loky.internal.protocol;

import dev.loky.RemoteTaskException;

import java.io.Serializable;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A throwable reduced to what any JVM can read back (class name, message, stack frames, cause):
 * sent beside every remote exception, and used when the exception itself cannot be serialized in
 * the worker or rebuilt in the parent.
 */
public final class ThrowableDescription implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String className;
    private final String message;
    private final StackTraceElement[] stack;
    private final ThrowableDescription cause;

    private ThrowableDescription(String className, String message, StackTraceElement[] stack, ThrowableDescription cause) {
        this.className = className;
        this.message = message;
        this.stack = stack;
        this.cause = cause;
    }

    public static ThrowableDescription of(Throwable t) {
        return of(t, new IdentityHashMap<>());
    }

    private static ThrowableDescription of(Throwable t, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return null;
        }
        String message;
        try {
            message = t.getMessage();
        } catch (RuntimeException e) {
            message = "<getMessage() threw " + e + ">";
        }
        return new ThrowableDescription(t.getClass().getName(), message, t.getStackTrace(), of(t.getCause(), seen));
    }

    public String className() {
        return className;
    }

    public String message() {
        return message;
    }

    /** A {@link RemoteTaskException} chain standing for the original. */
    public RemoteTaskException toException() {
        return new RemoteTaskException(className, message, stack, cause == null ? null : cause.toException());
    }

    @Override
    public String toString() {
        return className + (message == null ? "" : ": " + message);
    }
}
