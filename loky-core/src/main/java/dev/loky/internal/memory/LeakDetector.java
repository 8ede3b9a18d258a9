package dev.loky.internal.memory;

/**
 * The parent's half of memory-leak protection, one per worker: it feeds the figures of each reply
 * to the worker's {@link LeakPolicy} (which holds the reference, the threshold, the interval and the
 * verdict) and remembers the verdict once there is one. The worker measures the reference once it
 * is ready (sent ahead of any reply; failing that, after its first task) and every later figure
 * the same way (see the worker's {@code HeapWatch}: its references to the last task dropped, the
 * protocol's own buffers subtracted). Workers on Linux read
 * their own resident memory at the instant of the heap figures; elsewhere the pool's timer reads it
 * with OSHI between tasks ({@link #checkResident(long)}), at most once per check interval.
 *
 * <p>Thread-safe: the reply figures arrive on the worker's reader thread, the OSHI check runs on the
 * pool's timer thread; both go through this object's lock.
 */
public final class LeakDetector {

    private final LeakPolicy policy;
    private boolean workerReadsResident;
    private long heapCommitted;
    private boolean nativeCheckRunning;
    private String leak;

    public LeakDetector(long thresholdBytes, long intervalMillis) {
        this.policy = new LeakPolicy(thresholdBytes, intervalMillis);
    }

    /**
     * The worker's reference, measured once it was ready ({@code resident} {@code -1} when it cannot
     * read its own); ignored if one was already taken from a reply.
     */
    public synchronized void reference(long liveHeap, long committedHeap, long resident) {
        if (!policy.hasReference()) {
            long outside = LeakPolicy.outside(resident, committedHeap);
            policy.reference(liveHeap, outside);
            workerReadsResident = outside >= 0;
            heapCommitted = committedHeap;
        }
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
        if (!policy.hasReference()) {
            long outside = LeakPolicy.outside(resident, heapCommittedBytes);
            policy.reference(liveHeap, outside);
            workerReadsResident = outside >= 0;
            return null;
        }
        leak = policy.heapLeak(liveHeap);
        if (leak == null) {
            leak = policy.nativeLeak(resident, heapCommittedBytes);
        }
        return leak;
    }

    /**
     * {@code true} when an OSHI resident-memory check is due; the caller then runs
     * {@link #checkResident(long)}. Never due when the worker reports its own resident memory.
     */
    public synchronized boolean residentCheckDue() {
        if (leak != null || workerReadsResident || nativeCheckRunning || !policy.hasReference()
                || !policy.due(System.nanoTime())) {
            return false;
        }
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
            if (!policy.hasOutsideReference()) {
                policy.referenceOutside(LeakPolicy.outside(rss, heapCommitted));
                return null;
            }
            leak = policy.nativeLeak(rss, heapCommitted);
            return leak;
        }
    }

    /** The leak found so far, or {@code null}. */
    public synchronized String leak() {
        return leak;
    }
}
