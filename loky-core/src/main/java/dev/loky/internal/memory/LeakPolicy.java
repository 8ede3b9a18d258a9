package dev.loky.internal.memory;

/**
 * What counts as a memory leak, in one place: a worker's reference figures (taken after its first
 * task), the threshold, the check interval, and the verdict. A leak is memory a worker still keeps
 * <em>between</em> tasks, after a full collection, more than the threshold over its reference:
 * <ul>
 *   <li>heap: the live heap after the collection; garbage alone never counts;</li>
 *   <li>native: memory resident outside the heap ({@link #outside}: resident memory minus the
 *       committed heap, floored at zero), compared with the same quantity at reference time. A heap
 *       that merely expanded to hold garbage moves both terms and is not mistaken for native
 *       growth.</li>
 * </ul>
 * Each JVM has its own instance, built from the same two settings: the worker's {@code HeapWatch}
 * asks it whether growth is suspected (so a collection is worth its pause) and when a check is due;
 * the parent's {@link LeakDetector} asks it for the verdict on the figures a reply carries. Both
 * take the reference the same way, so they compare like with like.
 *
 * <p>Not thread-safe: the worker uses it from the one thread that just ran a task; the parent's
 * {@link LeakDetector} guards it with its own lock.
 */
public final class LeakPolicy {

    private static final long MB = 1024 * 1024;

    private final long thresholdBytes;
    private final long intervalNanos;
    private long referenceLive = -1;
    private long referenceOutside = -1;
    private boolean checked;
    private long lastCheckNanos;

    /** {@code thresholdBytes <= 0} turns protection off (see {@link #enabled()}). */
    public LeakPolicy(long thresholdBytes, long intervalMillis) {
        this.thresholdBytes = thresholdBytes;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    public boolean enabled() {
        return thresholdBytes > 0;
    }

    /**
     * {@code true} at most once per check interval (always the first time); a {@code true} starts
     * the next interval.
     */
    public boolean due(long nowNanos) {
        if (checked && nowNanos - lastCheckNanos < intervalNanos) {
            return false;
        }
        checked = true;
        lastCheckNanos = nowNanos;
        return true;
    }

    /** Whether the reference (after the first task) is taken. */
    public boolean hasReference() {
        return referenceLive >= 0;
    }

    /**
     * Takes the reference: the live heap after a collection and the memory outside the heap at
     * the same instant ({@code -1} when resident memory is unknown; then {@link #referenceOutside}
     * may set it later).
     */
    public void reference(long liveHeap, long outside) {
        referenceLive = liveHeap;
        referenceOutside = outside;
    }

    public boolean hasOutsideReference() {
        return referenceOutside >= 0;
    }

    /** The native half of the reference, measured later (OSHI, by the parent) when the worker cannot. */
    public void referenceOutside(long outside) {
        referenceOutside = outside;
    }

    /** {@code heapBytes} (live, or in use before a collection) is over the threshold above the reference. */
    public boolean heapGrew(long heapBytes) {
        return hasReference() && heapBytes - referenceLive > thresholdBytes;
    }

    /** How much more {@code liveHeap} may grow before it is over the threshold; {@code 0} when it is already. */
    public long headroom(long liveHeap) {
        return Math.max(0, referenceLive + thresholdBytes - liveHeap);
    }

    /** The memory outside the heap has grown past the threshold over the reference (both known). */
    public boolean outsideGrew(long resident, long committedHeap) {
        return resident >= 0 && referenceOutside >= 0 && outside(resident, committedHeap) - referenceOutside > thresholdBytes;
    }

    /** The verdict on a live heap measured between tasks: the leak's description, or {@code null}. */
    public String heapLeak(long liveHeap) {
        if (!heapGrew(liveHeap)) {
            return null;
        }
        return "its heap still held " + mb(liveHeap) + " between tasks after a full collection, "
                + mb(liveHeap - referenceLive) + " over its reference of " + mb(referenceLive)
                + " (threshold " + mb(thresholdBytes) + ")";
    }

    /** The verdict on resident memory measured between tasks: the leak's description, or {@code null}. */
    public String nativeLeak(long resident, long committedHeap) {
        if (!outsideGrew(resident, committedHeap)) {
            return null;
        }
        long outside = outside(resident, committedHeap);
        return "its memory outside the heap grew by " + mb(outside - referenceOutside) + " to " + mb(outside)
                + " (resident " + mb(resident) + " less " + mb(committedHeap) + " of committed heap) from "
                + mb(referenceOutside) + " at its reference (threshold " + mb(thresholdBytes) + ")";
    }

    /**
     * Resident memory outside the committed heap, never negative (a committed heap is not all
     * resident, so the raw difference can be negative and means nothing below zero); {@code -1}
     * when resident memory is unknown.
     */
    public static long outside(long resident, long committedHeap) {
        return resident < 0 ? -1 : Math.max(0, resident - committedHeap);
    }

    private static String mb(long bytes) {
        return (bytes / MB) + " MB";
    }
}
