package dev.loky.internal.protocol;

/**
 * How a worker frames a log event on its stderr, so that the parent logs it at its own level and
 * under its own logger name: the line starts with {@link #EVENT}, then the level, the logger name
 * and the message, separated by single spaces; each further line of the same event (a stack trace,
 * a message with newlines) starts with {@link #CONTINUED}. The mark is ASCII's record separator
 * ({@code U+001E}), which no ordinary output contains. Anything else a worker writes to stderr is
 * plain output. Spring's worker context sets its console pattern to this framing (when it logs
 * with Logback); any worker may write it.
 */
public final class WorkerLogLine {

    /** The record separator that starts a framed line. */
    public static final char MARK = '\u001e';
    /** Starts the first line of a log event: {@code MARK "LOKY " level " " logger " " message}. */
    public static final String EVENT = String.valueOf(MARK) + "LOKY ";
    /** Starts each further line of the event before it. */
    public static final String CONTINUED = String.valueOf(MARK) + "+";

    private WorkerLogLine() {
    }
}
