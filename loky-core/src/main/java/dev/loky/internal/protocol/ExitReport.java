package dev.loky.internal.protocol;

/**
 * What is known once a worker's process is gone, gathered by its channel: the facts every failure
 * built from an exit rests on ({@link Outcomes}), so that it reads no channel state of its own.
 *
 * @param code the exit code ({@code -1}: the process was never started)
 * @param signal the signal that ended it, from the exit code ({@code 128 + N}) or a JVM fatal-error
 *        banner in its output; {@code null} for a plain exit
 * @param output the tail of what it wrote (stderr, stray stdout)
 * @param startupFailure its initializer's failure, as it reported it before exiting; {@code null} if none
 * @param threadDump its threads when it was stopped for missing its start-up timeout; {@code null} otherwise
 */
public record ExitReport(int code, String signal, String output, String startupFailure, String threadDump) {

    public static ExitReport of(int code, String output, String startupFailure, String threadDump) {
        return new ExitReport(code, ExitStatus.signalName(code, output), output, startupFailure, threadDump);
    }
}
