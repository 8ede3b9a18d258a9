package dev.loky.internal.pool.process;

import dev.loky.WorkerStartupException;
import dev.loky.internal.pool.scheduling.PoolLog;
import org.slf4j.Logger;

/**
 * How failed worker starts reach the log: the first of a run of identical failures in full (ERROR,
 * the exception's message and the worker's output, which the message leaves out), each identical repeat as one WARN
 * line with the count (the full text at DEBUG), and the first start that works after them once at
 * INFO. Identical means the same reason once the worker's name is taken out: a start that fails
 * the same way a dozen times is one problem, not a dozen pages of the same output. The pool's
 * back-off between the attempts is {@code StartBackoff}'s.
 *
 * <p>Thread-safe (synchronized): exits and readiness are reported on the workers' reader threads.
 */
public final class StartupFailureLog {

    private static final Logger log = PoolLog.logger();

    /** The reason of the last failed start, or {@code null} after a start that worked. */
    private String lastReason;
    /** Failed starts in a row with {@link #lastReason}. */
    private int inARow;
    /** Failed starts since the last one that worked. */
    private int sinceLastStart;

    /** A worker, named {@code workerName} in the message, could not start. */
    public synchronized void failed(WorkerStartupException error, String workerName) {
        String message = error.getMessage() == null ? "" : error.getMessage();
        String reason = reason(message, workerName);
        sinceLastStart++;
        if (reason.equals(lastReason)) {
            inARow++;
            log.warn("{} could not start either, for the same reason ({} failed starts in a row; the pool keeps trying, "
                    + "waiting longer between tries): {}", workerName, inARow, reason);
            log.debug("{} Its output:\n{}", message, error.workerOutput());
            return;
        }
        lastReason = reason;
        inARow = 1;
        String output = error.workerOutput();
        log.error(output == null || output.isBlank() ? message : message + " Its output:\n" + output.stripTrailing());
    }

    /** A worker started: a run of failures, if any, is over. */
    public synchronized void started(String workerName) {
        if (sinceLastStart > 0) {
            log.info("{} started after {} failed start{}", workerName, sinceLastStart, sinceLastStart == 1 ? "" : "s");
        }
        lastReason = null;
        inARow = 0;
        sinceLastStart = 0;
    }

    /** The message's first line, with the worker's name taken out: what identical failures share. */
    static String reason(String message, String workerName) {
        int end = message.indexOf('\n');
        String first = end < 0 ? message : message.substring(0, end);
        return first.replace(workerName, "a worker").strip();
    }
}
