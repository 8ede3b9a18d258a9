package dev.loky.memory;

/**
 * The parent's half of memory-leak protection, one per worker. A leak is memory a worker keeps
 * <em>between</em> tasks, after a full collection, growing past the threshold over its reference;
 * the worker measures the reference after its first task and every later figure the same way
 * (see the worker's {@code HeapWatch}: its references to the last task dropped, the protocol's own
 * buffers subtracted):
 * <ul>
 *   <li>heap: the live heap after the collection; garbage alone never counts;</li>
 *   <li>native: memory resident outside the heap, that is resident memory minus the committed
 *       heap, floored at zero (a committed heap is not all resident, so the raw difference can be
 *       negative), compared with the same quantity at reference time. A heap that merely expanded
 *       to hold garbage moves both terms and is not mistaken for native growth. Workers on Linux
 *       read their own resident memory at the instant of the heap figures; elsewhere the pool's
 *       timer reads it with OSHI between tasks ({@link #checkResident(long)}).</li>
 * </ul>
 * Thread-safe: the reply figures arrive on the worker's reader thread, the OSHI check runs on the
 * pool's timer thread.
 */
public final class LeakDetector {

    private static final long MB = 1024 * 1024;

    private final long thresholdBytes;
    private final long intervalNanos;
    private long referenceLive = -1;
    private long referenceOutside = -1;
    private boolean workerReadsResident;
    private long heapCommitted;
    private long lastNativeCheckNanos;
    private boolean nativeCheckRunning;
    private String leak;

    public LeakDetector(long thresholdBytes, long intervalMillis) {
        this.thresholdBytes = thresholdBytes;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** As {@link #afterTask(long, long, long)} from a worker that cannot read its own resident memory. */
    public String afterTask(long heapCommittedBytes, long liveHeap) {
        return afterTask(heapCommittedBytes, liveHeap, -1);
    }

    /**
     * Takes a reply's figures; returns the leak's description once one is found (heap or native),
     * else {@code null}.
     *
     * @param heapCommittedBytes the worker's committed heap (after the collection, when one ran)
     * @param liveHeap live heap after a collection run after this task, or {@code -1}
     * @param resident the worker's resident memory measured with {@code liveHeap}, or {@code -1}
     */
    public synchronized String afterTask(long heapCommittedBytes, long liveHeap, long resident) {
        heapCommitted = heapCommittedBytes;
        if (leak != null || liveHeap < 0) {
            return leak;
        }
        long outside = outside(resident, heapCommittedBytes);
        if (referenceLive < 0) {
            referenceLive = liveHeap;
            if (outside >= 0) {
                referenceOutside = outside;
                workerReadsResident = true;
            }
            return null;
        }
        if (liveHeap - referenceLive > thresholdBytes) {
            leak = "its heap still held " + mb(liveHeap) + " between tasks after a full collection, "
                    + mb(liveHeap - referenceLive) + " over its reference of " + mb(referenceLive)
                    + " (threshold " + mb(thresholdBytes) + ")";
        } else if (outside >= 0 && referenceOutside >= 0) {
            leak = nativeLeak(resident, heapCommittedBytes, outside);
        }
        return leak;
    }

    /**
     * {@code true} when an OSHI resident-memory check is due; the caller then runs
     * {@link #checkResident(long)}. Never due when the worker reports its own resident memory.
     */
    public synchronized boolean residentCheckDue() {
        long now = System.nanoTime();
        if (leak != null || workerReadsResident || nativeCheckRunning || referenceLive < 0
                || now - lastNativeCheckNanos < intervalNanos) {
            return false;
        }
        lastNativeCheckNanos = now;
        nativeCheckRunning = true;
        return true;
    }

    /** Compares the worker's resident memory (OSHI) with its reference; returns the leak's description or {@code null}. */
    public String checkResident(long pid) {
        long rss = ResidentMemory.of(pid);
        synchronized (this) {
            nativeCheckRunning = false;
            if (rss < 0 || leak != null) {
                return leak;
            }
            long outside = outside(rss, heapCommitted);
            if (referenceOutside < 0) {
                referenceOutside = outside;
                return null;
            }
            leak = nativeLeak(rss, heapCommitted, outside);
            return leak;
        }
    }

    /** The leak found so far, or {@code null}. */
    public synchronized String leak() {
        return leak;
    }

    private String nativeLeak(long resident, long committed, long outside) {
        long growth = outside - referenceOutside;
        if (growth <= thresholdBytes) {
            return null;
        }
        return "its memory outside the heap grew by " + mb(growth) + " to " + mb(outside) + " (resident " + mb(resident)
                + " less " + mb(committed) + " of committed heap) from " + mb(referenceOutside) + " at its reference"
                + " (threshold " + mb(thresholdBytes) + ")";
    }

    /** Resident memory outside the committed heap, never negative; {@code -1} when resident memory is unknown. */
    static long outside(long resident, long committedHeap) {
        return resident < 0 ? -1 : Math.max(0, resident - committedHeap);
    }

    private static String mb(long bytes) {
        return (bytes / MB) + " MB";
    }
}
