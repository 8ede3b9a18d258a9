package dev.loky.internal.worker;

import dev.loky.internal.memory.LeakPolicy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The worker's half of memory-leak protection: it measures, and asks its {@link LeakPolicy} (the
 * reference, the threshold, the interval) whether growth is suspected; the parent's
 * {@code LeakDetector} gives the verdict on the figures with the same policy. Memory counts as kept
 * only when it survives <em>between</em> tasks: the worker measures after it has dropped its own references to the task
 * just run (argument, task object, result), runs a full collection first, and subtracts the bytes
 * it still holds for the protocol (the serialized reply being sent, tasks queued ahead). The
 * reference is taken the same way and sent to the parent, so the parent compares like with like.
 *
 * <p>Two figures are measured at the same instant: the live heap, and the memory resident outside
 * the heap ({@code VmRSS} of {@code /proc/self/status} minus the committed heap, floored at zero:
 * a committed heap is not all resident, so the raw difference can be negative and is meaningless
 * below zero). On systems without {@code /proc} the resident figure is {@code -1} and the parent
 * falls back to reading the worker's resident memory with OSHI.
 *
 * <p>The reference is taken as soon as the worker is ready ({@link #referenceAtReady}), so what
 * the first task keeps counts too (a {@code map} chunk once held 381 MB before a reference taken
 * after it). After every task, and between the items of a {@code map} chunk, a look that costs
 * nothing (the heap in use, garbage included) says whether growth is suspected; only then does it
 * collect, to tell kept memory from garbage. A collection that finds no leak (a false alarm:
 * garbage, or a chunk's own items and results) quiets the heap look for one check interval, so an
 * allocation-heavy job does not collect after every task. The memory outside the heap is read
 * from {@code /proc} at most once per check interval; when it has grown, cleaners get a little
 * time to free native memory owned by collected garbage before further looks (about a second at
 * most, once per check interval).
 *
 * <p>Thread-safe: the reference is taken on the main thread while a task may already run on
 * another; every method holds this object's monitor.
 */
final class HeapWatch {

    /** Figures after a collection; {@link #NONE} when no collection ran. */
    record Figures(long liveHeap, long committedHeap, long resident) {
        static final Figures NONE = new Figures(-1, -1, -1);
    }

    private static final Path STATUS = Path.of("/proc/self/status");
    /** How long cleaners get to free native memory owned by collected garbage before the second look. */
    private static final long CLEANER_PAUSE_MILLIS = 200;
    /** How many more looks a native growth gets before it is reported (about a second in all). */
    private static final int NATIVE_LOOKS = 5;

    private final LeakPolicy policy;
    private final long intervalNanos;
    /** After a false alarm, no heap-triggered collection before this instant, ... */
    private long quietUntilNanos = Long.MIN_VALUE;
    /** ... unless the heap in use reaches this: the level at the alarm plus the headroom the live heap had left. */
    private long quietBelowBytes = Long.MAX_VALUE;
    /** The initializer's warm-up after ready runs: no task takes the reference before it is done. */
    private boolean warmingUp;

    HeapWatch(long thresholdBytes, long intervalMillis) {
        this.policy = new LeakPolicy(thresholdBytes, intervalMillis);
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /**
     * Takes the reference now, once the worker is ready, unless a task already finished and took it;
     * {@code send} gets it while this monitor is held, so it leaves before any reply measured against it.
     */
    synchronized void referenceAtReady(java.util.function.Consumer<Figures> send) {
        warmingUp = false;
        if (!policy.enabled() || policy.hasReference()) {
            return;
        }
        Figures reference = collectAndMeasure(0);
        policy.reference(reference.liveHeap(), LeakPolicy.outside(reference.resident(), reference.committedHeap()));
        policy.due(System.nanoTime()); // the native look's interval starts with the reference
        send.accept(reference);
    }

    /** The initializer's warm-up after ready begins ({@link dev.loky.AfterReadyWarmUp}); {@link #referenceAtReady} ends it. */
    synchronized void warmingUp() {
        warmingUp = true;
    }

    /**
     * Between two items of a chunk: {@code true} when the heap, collected, still holds more than the
     * threshold over the reference (the chunk then stops and hands back what it has). Costs nothing
     * unless the heap in use suggests it.
     */
    synchronized boolean leakConfirmedBetweenItems() {
        if (!policy.enabled() || !policy.hasReference()) {
            return false;
        }
        long now = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        if (quiet(now, used) || !policy.heapGrew(used)) {
            return false;
        }
        Figures figures = collectAndMeasure(0);
        if (policy.heapGrew(figures.liveHeap())) {
            return true;
        }
        falseAlarm(now, used, figures.liveHeap());
        return false;
    }

    /**
     * Figures after a full collection run now, or {@link Figures#NONE} when none was needed.
     *
     * @param heldBytes heap bytes the worker still holds for the protocol, not for user code
     */
    synchronized Figures afterTask(long heldBytes) {
        if (!policy.enabled()) {
            return Figures.NONE;
        }
        long now = System.nanoTime();
        if (!policy.hasReference()) {
            if (warmingUp) {
                return Figures.NONE; // the reference waits for the warm-up: what it keeps is no leak
            }
            Figures reference = collectAndMeasure(heldBytes);
            policy.reference(reference.liveHeap(), LeakPolicy.outside(reference.resident(), reference.committedHeap()));
            policy.due(now);
            return reference;
        }
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory() - heldBytes;
        boolean heapSuspected = !quiet(now, used) && policy.heapGrew(used);
        boolean outsideSuspected = !heapSuspected && policy.due(now) && policy.outsideGrew(residentBytes(), rt.totalMemory());
        if (!heapSuspected && !outsideSuspected) {
            return Figures.NONE;
        }
        Figures figures = collectAndMeasure(heldBytes);
        for (int look = 0; look < NATIVE_LOOKS && policy.outsideGrew(figures.resident(), figures.committedHeap()); look++) {
            // Native memory owned by garbage is freed by cleaner threads after the collection found
            // it, and G1 returns heap it shrank to the OS in the background: look again a little later.
            try {
                Thread.sleep(CLEANER_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            figures = collectAndMeasure(heldBytes);
        }
        if (heapSuspected && !policy.heapGrew(figures.liveHeap())) {
            falseAlarm(now, used, figures.liveHeap()); // garbage, not kept memory
        }
        return figures;
    }

    /** After a false alarm: heap-triggered collections wait (see {@link #falseAlarm}). */
    private boolean quiet(long now, long used) {
        return now < quietUntilNanos && used < quietBelowBytes;
    }

    /**
     * A collection found no leak: the heap in use ({@code used}) was mostly garbage. The heap look
     * then waits one check interval, so an allocation-heavy job does not collect after every task,
     * or until the heap in use has grown past its level at the alarm by the headroom the live heap
     * had left ({@code live} against the threshold), whichever comes first: under a large young
     * generation (G1's) a burst of quick tasks that keep memory would otherwise keep far more than
     * the threshold within that interval (40 tasks of 10 MB each kept 400 MB within 0.7 s).
     */
    private void falseAlarm(long now, long used, long live) {
        quietUntilNanos = now + intervalNanos;
        long headroom = policy.headroom(live);
        quietBelowBytes = used > Long.MAX_VALUE - headroom ? Long.MAX_VALUE : used + headroom;
    }

    /**
     * Collects, then measures. The committed heap reported is the larger of before and after the
     * collection: heap memory the collection gave back stays resident until the collector returns
     * it to the OS (G1 does that in the background, Serial and Parallel may keep it), and counting
     * it as native memory would be a false positive. So the native figure is a lower bound.
     */
    private static Figures collectAndMeasure(long heldBytes) {
        long committedBefore = Runtime.getRuntime().totalMemory();
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long committed = rt.totalMemory();
        long live = Math.max(0, committed - rt.freeMemory() - heldBytes);
        return new Figures(live, Math.max(committedBefore, committed), residentBytes());
    }

    /** This JVM's resident memory from {@code /proc/self/status}, or {@code -1} where there is none. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // the kernel reports kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: the parent measures with OSHI instead
        }
        return -1;
    }
}
