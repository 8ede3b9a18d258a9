package dev.loky.internal.pool.outcome;

import dev.loky.WorkerOutOfMemoryException;

/** Turns a worker's {@link OutOfMemoryError} into a {@link WorkerOutOfMemoryException} for the caller. */
final class OutOfMemory {

    private OutOfMemory() {
    }

    /**
     * A task whose worker answered with an {@link OutOfMemoryError} (the reply says so:
     * {@link dev.loky.internal.protocol.TaskReply#outOfMemory()}); {@code error} is that error as rebuilt
     * here, or its description when it could not be read back.
     */
    static WorkerOutOfMemoryException inTask(Throwable error, WorkerFacts w, Object task) {
        return new WorkerOutOfMemoryException(task + " ran " + w.name() + " out of memory (heap cap " + w.heapCap() + "): "
                + error + ". The worker exits after OutOfMemoryError and is replaced; this JVM's own memory is not affected. "
                + "Give workers more heap (PoolConfig.jvmArgs or loky.worker.jvm-args, e.g. -Xmx1g) or make the task use less.",
                w.pid(), error);
    }

    /**
     * A worker that exited with {@link dev.loky.internal.protocol.ExitCodes#AFTER_OUT_OF_MEMORY} before its
     * error reply got out (there may have been no memory left to write it): the cause is rebuilt from
     * the worker's last output.
     */
    static WorkerOutOfMemoryException afterExit(WorkerFacts w, Object task, String output) {
        String line = output.lines().filter(l -> l.contains("OutOfMemoryError")).reduce((a, b) -> b)
                .orElse("java.lang.OutOfMemoryError (its reply was lost)");
        OutOfMemoryError cause = new OutOfMemoryError(line.substring(line.indexOf("OutOfMemoryError") + "OutOfMemoryError".length())
                .replaceFirst("^:\\s*", ""));
        cause.setStackTrace(new StackTraceElement[0]);
        return new WorkerOutOfMemoryException(task + " ran " + w.name() + " out of memory (heap cap " + w.heapCap()
                + "); the worker exited after OutOfMemoryError and is being replaced; this JVM's own memory is not affected."
                + " Give workers more heap (PoolConfig.jvmArgs or loky.worker.jvm-args, e.g. -Xmx1g) or make the task use less."
                + (output.isBlank() ? "" : " Its last output is in the log."), w.pid(), cause);
    }
}
