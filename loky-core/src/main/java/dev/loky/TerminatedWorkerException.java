package dev.loky;

/**
 * The worker process died while it held the task: it called {@code System.exit}, was killed by a
 * signal, crashed the JVM, or was lost otherwise. Only the task that worker held fails this way; the
 * worker is replaced and every other task goes on.
 *
 * <p>The message names the pid, the exit code and its signal (a JVM killed by signal N exits with
 * 128 + N, e.g. {@code exit code 137 (SIGKILL)}), what the worker was doing, and the last lines it
 * wrote to stderr (and the JVM's fatal-error banner, if it printed one).
 */
public class TerminatedWorkerException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final long pid;
    private final int exitCode;
    private final String signal;
    private final String workerOutput;

    public TerminatedWorkerException(String message, long pid, int exitCode, String signal, String workerOutput) {
        super(message);
        this.pid = pid;
        this.exitCode = exitCode;
        this.signal = signal;
        this.workerOutput = workerOutput;
    }

    /** The operating-system pid of the worker that died. */
    public long pid() {
        return pid;
    }

    /** The worker's exit code, {@code 128 + N} when it was killed by signal N. */
    public int exitCode() {
        return exitCode;
    }

    /** The signal's name ({@code SIGKILL}, {@code SIGSEGV}, ...), or {@code null} for a plain exit. */
    public String signal() {
        return signal;
    }

    /** The last lines the worker wrote to stderr, and any stray text on its channel. */
    public String workerOutput() {
        return workerOutput;
    }
}
