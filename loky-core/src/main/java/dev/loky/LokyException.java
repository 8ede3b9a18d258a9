package dev.loky;

/**
 * The root of every exception that loky itself raises. A task's own exception is never wrapped in
 * one: it comes back as its original type (or as {@link RemoteTaskException} when that type cannot
 * be rebuilt in the caller's JVM).
 */
public class LokyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LokyException(String message) {
        super(message);
    }

    public LokyException(String message, Throwable cause) {
        super(message, cause);
    }
}
