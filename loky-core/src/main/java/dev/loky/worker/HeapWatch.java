package dev.loky.worker;

import dev.loky.memory.LeakPolicy;

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
 * reference is taken the same way after the first task, so the parent compares like with like.
 *
 * <p>Two figures are measured at the same instant: the live heap, and the memory resident outside
 * the heap ({@code VmRSS} of {@code /proc/self/status} minus the committed heap, floored at zero:
 * a committed heap is not all resident, so the raw difference can be negative and is meaningless
 * below zero). On systems without {@code /proc} the resident figure is {@code -1} and the parent
 * falls back to reading the worker's resident memory with OSHI.
 *
 * <p>It collects after the first task (the reference) and then, at most once per check interval,
 * when the heap in use or the memory outside the heap has grown past the threshold over the
 * reference: garbage disappears in the collection, and native buffers owned by garbage (direct
 * buffers, ImageIO's codecs) are freed by their cleaners, which further looks wait for (only when
 * native growth is suspected, at most about a second, once per check interval).
 * Used by the one thread that just finished a task; not thread-safe.
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

    HeapWatch(long thresholdBytes, long intervalMillis) {
        this.policy = new LeakPolicy(thresholdBytes, intervalMillis);
    }

    /**
     * Figures after a full collection run now, or {@link Figures#NONE} when none was needed.
     *
     * @param heldBytes heap bytes the worker still holds for the protocol, not for user code
     */
    Figures afterTask(long heldBytes) {
        if (!policy.enabled()) {
            return Figures.NONE;
        }
        boolean due = policy.due(System.nanoTime()); // the first call starts the interval with the reference
        if (!policy.hasReference()) {
            Figures reference = collectAndMeasure(heldBytes);
            policy.reference(reference.liveHeap(), LeakPolicy.outside(reference.resident(), reference.committedHeap()));
            return reference;
        }
        if (!due) {
            return Figures.NONE;
        }
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory() - heldBytes;
        if (!policy.heapGrew(used) && !policy.outsideGrew(residentBytes(), rt.totalMemory())) {
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
        return figures;
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
