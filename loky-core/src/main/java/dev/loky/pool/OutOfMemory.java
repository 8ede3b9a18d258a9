package dev.loky.pool;

import dev.loky.WorkerOutOfMemoryException;

import java.util.List;

/** Turns a worker's {@link OutOfMemoryError} into a {@link WorkerOutOfMemoryException} for the caller. */
final class OutOfMemory {

    private static final List<String> HEAP_FLAGS = List.of("-Xmx", "-XX:MaxHeapSize=", "-XX:MaxRAMPercentage=", "-XX:MaxRAM=");

    private OutOfMemory() {
    }

    /** The heap cap a worker was started with, e.g. {@code -Xmx64m} (the last such flag wins, as in the JVM). */
    static String heapCap(List<String> command) {
        String cap = null;
        for (String arg : command) {
            for (String flag : HEAP_FLAGS) {
                if (arg.startsWith(flag)) {
                    cap = arg;
                }
            }
        }
        return cap != null ? cap : "the JVM's default maximum heap";
    }

    /**
     * A task whose worker answered with an {@link OutOfMemoryError} (the reply says so:
     * {@link dev.loky.protocol.TaskReply#outOfMemory()}); {@code error} is that error as rebuilt
     * here, or its description when it could not be read back.
     */
    static WorkerOutOfMemoryException inTask(Throwable error, WorkerChannel w, Object task) {
        return new WorkerOutOfMemoryException(task + " ran " + w.name() + " out of memory (heap cap " + w.heapCap + "): "
                + error + ". The worker exits after OutOfMemoryError and is replaced; this JVM's own memory is not affected. "
                + "Give workers more heap (PoolConfig.jvmArgs or loky.worker.jvm-args, e.g. -Xmx1g) or make the task use less.",
                w.pid(), error);
    }

    /**
     * A worker that exited with {@link dev.loky.protocol.ExitCodes#AFTER_OUT_OF_MEMORY} before its
     * error reply got out (there may have been no memory left to write it): the cause is rebuilt from
     * the worker's last output.
     */
    static WorkerOutOfMemoryException afterExit(WorkerChannel w, Object task, String output) {
        String line = output.lines().filter(l -> l.contains("OutOfMemoryError")).reduce((a, b) -> b)
                .orElse("java.lang.OutOfMemoryError (its reply was lost)");
        OutOfMemoryError cause = new OutOfMemoryError(line.substring(line.indexOf("OutOfMemoryError") + "OutOfMemoryError".length())
                .replaceFirst("^:\\s*", ""));
        cause.setStackTrace(new StackTraceElement[0]);
        return new WorkerOutOfMemoryException(task + " ran " + w.name() + " out of memory (heap cap " + w.heapCap
                + "); the worker exited after OutOfMemoryError and is being replaced; this JVM's own memory is not affected."
                + " Give workers more heap (PoolConfig.jvmArgs or loky.worker.jvm-args, e.g. -Xmx1g) or make the task use less."
                + (output.isBlank() ? "" : " Its last output is in the log."), w.pid(), cause);
    }
}
