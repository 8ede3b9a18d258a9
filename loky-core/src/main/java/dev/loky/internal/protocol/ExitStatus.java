package dev.loky.internal.protocol;

import dev.loky.internal.protocol.ExitCodes;

/** Names a process's exit code; a JVM killed by signal N exits with 128 + N. */
public final class ExitStatus {

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

    /** "# SIGSEGV (0xb) at pc=..." in a HotSpot fatal-error banner. */
    private static final java.util.regex.Pattern FATAL_SIGNAL =
            java.util.regex.Pattern.compile("^#\\s+(SIG[A-Z]+) \\(0x[0-9a-fA-F]+\\)", java.util.regex.Pattern.MULTILINE);

    /**
     * The signal that ended a worker: the one a HotSpot fatal-error banner in its output names (such
     * a JVM exits with 1, or 134 after its own abort), else the exit code's.
     */
    static String signalName(int exitCode, String output) {
        if (output != null) {
            java.util.regex.Matcher m = FATAL_SIGNAL.matcher(output);
            if (m.find()) {
                return m.group(1);
            }
        }
        return signalName(exitCode);
    }

    /**
     * A HotSpot fatal-error banner's summary ({@code "A fatal error has been detected by the Java
     * Runtime Environment: SIGSEGV (0xb) at pc=..., problematic frame: ..."}), or {@code null}
     * when the output has none. Only the JVM's own lines: nothing the application logged.
     */
    public static String fatalErrorSummary(String output) {
        if (output == null) {
            return null;
        }
        int start = output.indexOf("# A fatal error has been detected");
        if (start < 0) {
            return null;
        }
        StringBuilder summary = new StringBuilder("A fatal error has been detected by the Java Runtime Environment:");
        java.util.regex.Matcher signal = FATAL_SIGNAL.matcher(output);
        if (signal.find(start)) {
            int end = output.indexOf('\n', signal.start());
            summary.append(' ').append(output, signal.start() + 1, end < 0 ? output.length() : end);
        }
        int frame = output.indexOf("# Problematic frame:", start);
        if (frame >= 0) {
            int lineStart = output.indexOf('\n', frame);
            int lineEnd = lineStart < 0 ? -1 : output.indexOf('\n', lineStart + 1);
            if (lineStart >= 0) {
                summary.append("; problematic frame: ").append(output.substring(lineStart + 1, lineEnd < 0 ? output.length() : lineEnd)
                        .replaceFirst("^#\\s*", ""));
            }
        }
        String text = summary.toString().replaceAll("\\s+", " ").strip();
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }

    /** E.g. {@code "exit code 137 (SIGKILL)"} or {@code "exit code 3"}. */
    public static String describe(int exitCode) {
        if (exitCode == -1) {
            return "no exit code (the process could not be started or waited for)";
        }
        if (exitCode == ExitCodes.AFTER_OUT_OF_MEMORY) {
            return "exit code " + exitCode + " (after OutOfMemoryError)";
        }
        String signal = signalName(exitCode);
        return "exit code " + exitCode + (signal == null ? "" : " (" + signal + ")");
    }
}
