package dev.loky;

import java.time.Duration;

/**
 * The task ran longer than its timeout. The worker that ran it was killed and replaced; the clock
 * starts when the worker receives the task, not when it was submitted.
 */
public class TaskTimeoutException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    public TaskTimeoutException(String message, Duration timeout) {
        super(message);
        this.timeout = timeout;
    }

    /** The timeout that the task exceeded. */
    public Duration timeout() {
        return timeout;
    }
}
