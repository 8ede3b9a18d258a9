package dev.loky.internal.pool.map;

import dev.loky.PoolSnapshot;
import dev.loky.ProgressListener;

import java.time.Duration;

/**
 * One map's progress: the items that succeeded, failed or were cancelled, counting the items of
 * running chunks as their workers report them (per item, not per chunk), and the map's
 * {@link ProgressListener}, told when the counts move and closed once when the map ends.
 *
 * <p>What the listener is told never goes down: a chunk whose worker died is re-run item by item,
 * and the items its worker had reported stay shown until their re-runs pass them.
 *
 * <p>Thread-safe: the map's consuming thread, the chunks' completion callbacks and the workers'
 * reader threads (partial counts) all report here; one lock guards the counts, so the listener is
 * never called concurrently.
 */
final class MapProgress {

    private final ProgressListener listener;
    private final long total;
    private final long startNanos = System.nanoTime();

    private final Object lock = new Object();
    private long succeeded;
    private long failed;
    private long cancelled;
    /** Items of chunks still running, as their workers reported them. */
    private long partialSucceeded;
    private long partialFailed;
    /** What the listener was last shown. */
    private long shownSucceeded;
    private long shownFailed;
    private boolean listenerClosed;
    /** The last event the listener got. */
    private ProgressListener.Progress told;

    /** Tells the listener the total (of a list, a set; {@code -1} for an iterable) at once, before any item is done. */
    MapProgress(ProgressListener listener, long total) {
        this.listener = listener;
        this.total = total;
        synchronized (lock) {
            tell();
        }
    }

    /** One chunk's share of the counts; its fields are guarded by the progress' lock. */
    static final class Chunk {
        final int size;
        private boolean counted;
        /** Items run and failed so far, as its worker reported while it ran. */
        private int partialRan;
        private int partialFailed;

        Chunk(int size) {
            this.size = size;
        }
    }

    /** This map as a snapshot shows it. */
    PoolSnapshot.MapRun describe(long id, String name) {
        synchronized (lock) {
            return new PoolSnapshot.MapRun(id, name, progress());
        }
    }

    /** A running chunk's items so far, from its worker (its reader thread). */
    void running(Chunk chunk, int ran, int itemsFailed) {
        synchronized (lock) {
            int r = Math.min(ran, chunk.size);
            int f = Math.min(itemsFailed, r);
            if (chunk.counted || r <= chunk.partialRan) {
                return;
            }
            partialSucceeded += (r - f) - (chunk.partialRan - chunk.partialFailed);
            partialFailed += f - chunk.partialFailed;
            chunk.partialRan = r;
            chunk.partialFailed = f;
            tell();
        }
    }

    /** A chunk's final counts, taken once; they replace what its worker reported while it ran. */
    void finished(Chunk chunk, int ok, int failedItems, int cancelledItems) {
        synchronized (lock) {
            if (chunk.counted) {
                return;
            }
            dropPartial(chunk);
            succeeded += ok;
            failed += failedItems;
            cancelled += cancelledItems;
            chunk.counted = true;
            tell();
        }
    }

    /** A chunk that failed whole and runs again item by item: its parts are counted, what its worker reported goes. */
    void splitting(Chunk chunk) {
        synchronized (lock) {
            if (!chunk.counted) {
                dropPartial(chunk);
            }
        }
    }

    /** The map is over (done, failed or closed): a listener that is {@link AutoCloseable} (the terminal bar) is closed, once. */
    void ended() {
        synchronized (lock) {
            if (listenerClosed) {
                return;
            }
            tell();
            listenerClosed = true;
        }
        if (listener instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // a listener's own failure to close must not hide the map's outcome
            }
        }
    }

    private void dropPartial(Chunk chunk) {
        partialSucceeded -= chunk.partialRan - chunk.partialFailed;
        partialFailed -= chunk.partialFailed;
        chunk.partialRan = 0;
        chunk.partialFailed = 0;
    }

    /** The progress so far, counting the items of running chunks; lock. */
    private ProgressListener.Progress progress() {
        shownSucceeded = Math.max(shownSucceeded, succeeded + partialSucceeded);
        shownFailed = Math.max(shownFailed, failed + partialFailed);
        return new ProgressListener.Progress(shownSucceeded + shownFailed, total, Duration.ofNanos(System.nanoTime() - startNanos),
                shownFailed, cancelled);
    }

    /** Tells the listener, if any, when the counts moved (the first time always); lock. */
    private void tell() {
        if (listener == null || listenerClosed) {
            return;
        }
        ProgressListener.Progress now = progress();
        if (told != null && told.completed() == now.completed() && told.failed() == now.failed()
                && told.cancelled() == now.cancelled()) {
            return; // a chunk's final count that its worker already reported item by item
        }
        told = now;
        listener.onProgress(now);
    }
}
