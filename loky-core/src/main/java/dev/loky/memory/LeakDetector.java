package dev.loky.memory;

/**
 * The parent's half of memory-leak protection, one per worker. A leak is memory a worker still
 * holds after a full collection, growing past the threshold over its reference (taken after its
 * first task):
 * <ul>
 *   <li>heap: the live heap the worker reports after a collection it ran (see the worker's
 *       {@code HeapWatch}); garbage alone never counts, since it is gone after the collection;</li>
 *   <li>native: the worker's resident memory (OSHI) minus its committed heap, so that a heap that
 *       merely expanded to hold garbage is not mistaken for native growth.</li>
 * </ul>
 * Thread-safe: the heap check runs on the worker's reader thread, the resident-memory check on the
 * pool's timer thread.
 */
public final class LeakDetector {

    private static final long MB = 1024 * 1024;

    private final long thresholdBytes;
    private final long intervalNanos;
    private long referenceLive = -1;
    private long referenceNonHeap = Long.MIN_VALUE;
    private long heapCommitted;
    private long lastNativeCheckNanos;
    private boolean nativeCheckRunning;
    private String leak;

    public LeakDetector(long thresholdBytes, long intervalMillis) {
        this.thresholdBytes = thresholdBytes;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /**
     * Takes a reply's figures; returns the leak's description once one is found (heap or native),
     * else {@code null}.
     *
     * @param liveHeap live heap after a collection run after this task, or {@code -1}
     */
    public synchronized String afterTask(long heapCommittedBytes, long liveHeap) {
        heapCommitted = heapCommittedBytes;
        if (leak != null) {
            return leak;
        }
        if (liveHeap < 0) {
            return null;
        }
        if (referenceLive < 0) {
            referenceLive = liveHeap;
            return null;
        }
        if (liveHeap - referenceLive > thresholdBytes) {
            leak = "its heap still held " + mb(liveHeap) + " after a full collection, " + mb(liveHeap - referenceLive)
                    + " over its reference of " + mb(referenceLive) + " (threshold " + mb(thresholdBytes) + ")";
        }
        return leak;
    }

    /** {@code true} when a resident-memory check is due; the caller then runs {@link #checkResident(long)}. */
    public synchronized boolean residentCheckDue() {
        long now = System.nanoTime();
        if (leak != null || nativeCheckRunning || referenceLive < 0 || now - lastNativeCheckNanos < intervalNanos) {
            return false;
        }
        lastNativeCheckNanos = now;
        nativeCheckRunning = true;
        return true;
    }

    /** Compares the worker's resident memory with its reference; returns the leak's description or {@code null}. */
    public String checkResident(long pid) {
        long rss = ResidentMemory.of(pid);
        synchronized (this) {
            nativeCheckRunning = false;
            if (rss < 0 || leak != null) {
                return leak;
            }
            long nonHeap = rss - heapCommitted;
            if (referenceNonHeap == Long.MIN_VALUE) {
                referenceNonHeap = nonHeap;
                return null;
            }
            if (nonHeap - referenceNonHeap > thresholdBytes) {
                leak = "its resident memory outside the heap grew by " + mb(nonHeap - referenceNonHeap)
                        + " (resident " + mb(rss) + ", heap committed " + mb(heapCommitted) + ", threshold "
                        + mb(thresholdBytes) + ")";
            }
            return leak;
        }
    }

    /** The leak found so far, or {@code null}. */
    public synchronized String leak() {
        return leak;
    }

    private static String mb(long bytes) {
        return (bytes / MB) + " MB";
    }
}
