package dev.loky.pool;

/** Names a process's exit code; a JVM killed by signal N exits with 128 + N. */
final class ExitStatus {

    private static final String[] SIGNALS = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
        "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"};

    private ExitStatus() {
    }

    /** The signal's name for an exit code above 128, or {@code null}. */
    static String signalName(int exitCode) {
        int signal = exitCode - 128;
        if (signal > 0 && signal < SIGNALS.length) {
            return SIGNALS[signal];
        }
        return signal > 0 && signal < 65 ? "signal " + signal : null;
    }

    /** E.g. {@code "exit code 137 (SIGKILL)"} or {@code "exit code 3"}. */
    static String describe(int exitCode) {
        if (exitCode == -1) {
            return "no exit code (the process could not be started or waited for)";
        }
        String signal = signalName(exitCode);
        return "exit code " + exitCode + (signal == null ? "" : " (" + signal + ")");
    }
}
