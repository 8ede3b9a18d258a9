package dev.loky.worker;

/**
 * The worker's half of memory-leak protection: after a task, decides whether to run a full
 * collection and report the live heap. It collects after the first task (the reference) and, at
 * most once per check interval, whenever the heap in use has grown past the threshold over that
 * reference: garbage alone then disappears in the collection, and what survives is retained memory.
 * Used by the one thread that just finished a task; not thread-safe.
 */
final class HeapWatch {

    private final long thresholdBytes;
    private final long intervalNanos;
    private long referenceLive = -1;
    private long lastCheckNanos;

    HeapWatch(long thresholdBytes, long intervalMillis) {
        this.thresholdBytes = thresholdBytes;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** The live heap after a full collection run now, or {@code -1} when none was needed. */
    long afterTask() {
        if (thresholdBytes <= 0) {
            return -1;
        }
        long now = System.nanoTime();
        if (referenceLive < 0) {
            lastCheckNanos = now;
            referenceLive = liveAfterCollection();
            return referenceLive;
        }
        if (now - lastCheckNanos < intervalNanos) {
            return -1;
        }
        lastCheckNanos = now;
        Runtime rt = Runtime.getRuntime();
        if (rt.totalMemory() - rt.freeMemory() - referenceLive <= thresholdBytes) {
            return -1;
        }
        return liveAfterCollection();
    }

    private static long liveAfterCollection() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
