package dev.loky.internal.pool.map;

import dev.loky.LokyException;
import dev.loky.MapFailedException;
import dev.loky.MapOptions;
import dev.loky.PoolSnapshot;
import dev.loky.RemoteCallable;
import dev.loky.RemoteFunction;
import dev.loky.internal.pool.scheduling.PoolTask;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The results of a {@code map}, {@code imap} or {@code imapUnordered}, pulled lazily: input items
 * are read only to fill the next chunk, and at most {@code maxInFlight} chunks are submitted and
 * not yet consumed (back-pressure).
 *
 * <p>Failures are per item. A chunk reports each item's exception beside the good results
 * ({@link MapChunk.Result}). When a whole chunk fails instead (its worker crashed, ran out of
 * memory or timed out, or its reply could not be read), the items cannot be told apart, so the
 * chunk is split and each item runs again alone: only the culprit fails, the others succeed
 * (they may therefore run twice). Each failed item's exception gets a suppressed
 * {@link MapCallSite} naming its index and carrying the caller's frames. With fail-fast the first
 * failure met in result order is thrown after every result before it; otherwise failures are
 * collected and a {@link MapFailedException} ends the iteration after the last result.
 *
 * <p>Threads: used by one consuming thread; completion callbacks (pool threads) only touch the
 * thread-safe {@link #completed} queue and the {@link MapProgress}, which is thread-safe itself.
 */
public final class MapIterator<T, R> implements Iterator<R>, AutoCloseable {

    /** What a map needs of the executor that runs it (so that the map does not know the executor's class). */
    public interface Pool {
        /** The current number of workers, to size chunks and the in-flight window. */
        int parallelism();

        /** The map began: it is shown in snapshots until {@link #ended}. Returns its id. */
        long started(MapIterator<?, ?> map);

        /** The map ended (exhausted, failed or closed); idempotent. */
        void ended(MapIterator<?, ?> map);

        <V> CompletableFuture<V> submit(RemoteCallable<V> task, Duration timeout);
    }

    private final Pool executor;
    private final RemoteFunction<T, R> function;
    private final Iterator<T> input;
    /**
     * Largest automatic chunk. A chunk of 250,000 boxed ints made its worker (a small young
     * generation, Serial GC) promote and run full collections of 50-170 ms (JFR, 2,000,000 items on
     * 2 workers); chunks of 8,192 paid their fixed cost (messages, wake-ups) too often. Measured
     * side by side in one JVM (caller plus workers' CPU per item, 5 rounds): 32,768 items used the
     * least CPU and wall time in every round (0.11-0.18 µs per item, against 0.19-0.34 at 250,000
     * and 0.22-0.47 at 8,192).
     */
    static final int MAX_AUTO_CHUNK_SIZE = 32_768;
    private final int chunkSize;
    private final int maxInFlight;
    private final boolean ordered;
    private final boolean nullForFailures;
    private final MapOptions options;
    private final long total;
    /** The pool snapshot's name for this map. */
    private final long id;
    private final StackTraceElement[] callerFrames;
    private final MapProgress progress;

    private final ArrayDeque<Piece> inFlight = new ArrayDeque<>();
    private final LinkedBlockingQueue<Piece> completed = new LinkedBlockingQueue<>();
    private final SortedMap<Integer, Throwable> failures = new TreeMap<>();
    private long nextIndex;
    private Object[] current;
    private long currentStart;
    /** The input items of {@link #current}, for naming a failed one. */
    private Object[] currentItems;
    private int position;
    private boolean closed;
    private boolean endThrown;

    /**
     * @param nullForFailures {@code map}'s mode: without fail-fast a failed item yields {@code null}
     *        in its place and the iteration ends normally; {@link #failures()} then has them
     */
    public MapIterator(Pool executor, RemoteFunction<T, R> function, Iterable<T> items, MapOptions options,
            boolean ordered, boolean nullForFailures) {
        this.executor = executor;
        this.function = function;
        this.input = items.iterator();
        this.options = options;
        this.ordered = ordered;
        this.nullForFailures = nullForFailures;
        int workers = Math.max(1, executor.parallelism());
        this.total = items instanceof Collection<?> c ? c.size() : -1;
        if (options.chunkSize() > 0) {
            this.chunkSize = options.chunkSize();
        } else if (total >= 0) {
            this.chunkSize = (int) Math.max(1, Math.min(MAX_AUTO_CHUNK_SIZE, (total + 4L * workers - 1) / (4L * workers)));
        } else {
            this.chunkSize = MapOptions.DEFAULT_LAZY_CHUNK_SIZE;
        }
        this.maxInFlight = 2 * workers + 2;
        this.callerFrames = MapCallSite.callerFrames();
        this.progress = new MapProgress(options.progress(), total);
        this.id = executor.started(this);
    }

    /** This map as a snapshot shows it. Any thread. */
    public PoolSnapshot.MapRun describe() {
        String name = function.getClass().getName();
        int lambda = name.indexOf("$$Lambda");
        return progress.describe(id, lambda < 0 ? name : name.substring(0, lambda) + " (lambda)");
    }

    /** The map is over (done, failed or closed). */
    private void ended() {
        executor.ended(this);
        progress.ended();
    }

    @Override
    public boolean hasNext() {
        while (true) {
            while (current != null && position < current.length) {
                if (!(current[position] instanceof Failed f)) {
                    return true;
                }
                long index = currentStart + position;
                Throwable error = MapCallSite.attach(f.error, index, total, callerFrames, options.describeItems() && position < currentItems.length
                        ? MapCallSite.describe(currentItems[position]) : null);
                if (options.failFast()) {
                    close();
                    throw rethrow(error);
                }
                failures.put((int) index, error);
                if (nullForFailures) {
                    current[position] = null;
                    return true;
                }
                position++;
            }
            fill();
            if (inFlight.isEmpty()) {
                current = null;
                ended();
                if (!failures.isEmpty() && !nullForFailures && !endThrown) {
                    endThrown = true;
                    throw new MapFailedException(List.of(), failures, nextIndex);
                }
                return false;
            }
            consume(awaitPiece());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        R value = (R) current[position];
        current[position++] = null;
        return value;
    }

    /** The input index of the result {@link #next()} returned last. */
    public long indexOfLast() {
        return currentStart + position - 1;
    }

    /** The failed items so far, by index (for {@code map} without fail-fast). */
    public SortedMap<Integer, Throwable> failures() {
        return failures;
    }

    /** How many items were read from the input so far (all of them once the iteration ended). */
    public long itemsRead() {
        return nextIndex;
    }

    /** Submits chunks until {@code maxInFlight} are outstanding or the input ends. */
    private void fill() {
        if (closed) {
            throw new IllegalStateException("this map's stream was closed");
        }
        while (inFlight.size() < maxInFlight && input.hasNext()) {
            Object[] items = new Object[total < 0 ? chunkSize : (int) Math.max(1, Math.min(chunkSize, total - nextIndex))];
            int n = 0;
            while (n < items.length && input.hasNext()) {
                items[n++] = input.next();
            }
            if (n < items.length) {
                items = java.util.Arrays.copyOf(items, n); // the last chunk
            }
            inFlight.add(submit(nextIndex, items));
            nextIndex += n;
        }
    }

    private Piece submit(long start, Object[] items) {
        MapChunk<T, R> chunk = new MapChunk<>(function, items, options.failFast(), start);
        Piece piece = new Piece(start, items, executor.submit(chunk, options.taskTimeout()));
        if (options.progress() != null && piece.future instanceof PoolTask<?> task) {
            task.reportItemsTo((ran, itemsFailed) -> progress.running(piece.counts, ran, itemsFailed));
        }
        piece.future.whenComplete((result, error) -> {
            if (!ordered) {
                completed.add(piece);
            }
            count(piece, result, error);
        });
        return piece;
    }

    private Piece awaitPiece() {
        if (ordered) {
            return inFlight.peekFirst();
        }
        try {
            return completed.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new LokyException("interrupted while waiting for map results", e);
        }
    }

    /** Makes a finished piece's outcomes the current ones, or splits a multi-item piece that failed whole. */
    private void consume(Piece piece) {
        try {
            MapChunk.Result result = piece.future.get();
            // counted here too, not only by the completion callback, which may run after get()
            // returned: the map's last event (when it ends) would miss the last chunk
            count(piece, result, null);
            boolean head = inFlight.peekFirst() == piece;
            inFlight.remove(piece);
            if (result.ran < piece.items.length) {
                // it stopped for a leak (its worker is recycled): the rest run as a chunk of their own, in its place
                Piece rest = submit(piece.start + result.ran, Arrays.copyOfRange(piece.items, result.ran, piece.items.length));
                if (head) {
                    inFlight.addFirst(rest);
                } else {
                    inFlight.add(rest);
                }
            }
            Object[] values = result.values.unpack();
            for (int k = 0; k < result.failedAt.length; k++) {
                values[result.failedAt[k]] = new Failed(result.errors[k]);
            }
            setCurrent(piece.start, values, piece.items);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new LokyException("interrupted while waiting for map results", e);
        } catch (ExecutionException e) {
            count(piece, null, e.getCause());
            if (piece.items.length > 1) {
                split(piece);
            } else {
                inFlight.remove(piece);
                setCurrent(piece.start, new Object[] {new Failed(e.getCause())}, piece.items);
            }
        } catch (CancellationException e) {
            close();
            throw e;
        }
    }

    /** Runs each item of a piece that failed whole alone, in its place. */
    private void split(Piece piece) {
        boolean head = inFlight.peekFirst() == piece;
        inFlight.remove(piece);
        List<Piece> singles = new ArrayList<>(piece.items.length);
        for (int i = 0; i < piece.items.length; i++) {
            singles.add(submit(piece.start + i, new Object[] {piece.items[i]}));
        }
        if (head) {
            for (int i = singles.size() - 1; i >= 0; i--) {
                inFlight.addFirst(singles.get(i));
            }
        } else {
            inFlight.addAll(singles);
        }
    }

    private void setCurrent(long start, Object[] values, Object[] items) {
        currentItems = items;
        current = values;
        currentStart = start;
        position = 0;
    }

    /** Progress: counts a finished piece once (a multi-item piece that failed whole is counted by its parts). */
    private void count(Piece piece, MapChunk.Result result, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        int size = piece.items.length;
        if (cause == null) {
            if (result.ran < size) {
                size = result.ran; // the rest are counted by the chunk that runs them
            }
            int failures = result.failedAt.length;
            if (options.failFast() && failures > 0) {
                int ran = result.failedAt[0] + 1; // nothing after a fail-fast failure ran
                progress.finished(piece.counts, ran - 1, 1, size - ran);
            } else {
                progress.finished(piece.counts, size - failures, failures, 0);
            }
        } else if (cause instanceof CancellationException) {
            progress.finished(piece.counts, 0, 0, size);
        } else if (size == 1) {
            progress.finished(piece.counts, 0, 1, 0);
        } else if (!closed) {
            progress.splitting(piece.counts); // split and re-run by the consumer; its parts are counted
        } else {
            progress.finished(piece.counts, 0, 0, size);
        }
    }

    /** An item's exception as itself when it is unchecked; a checked one wrapped. */
    static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        throw new CompletionException(cause);
    }

    /** Cancels every chunk still in flight; items that will not run count as cancelled. */
    @Override
    public void close() {
        closed = true;
        for (Piece piece : inFlight) {
            piece.future.cancel(true);
            if (piece.future.isCompletedExceptionally()) {
                count(piece, null, new CancellationException()); // failed whole and will not be split
            }
        }
        inFlight.clear();
        ended();
    }

    /** A submitted chunk: where its items start in the input, the items (kept for a split), its future. */
    private static final class Piece {
        final long start;
        final Object[] items;
        final CompletableFuture<MapChunk.Result> future;
        final MapProgress.Chunk counts;

        Piece(long start, Object[] items, CompletableFuture<MapChunk.Result> future) {
            this.start = start;
            this.items = items;
            this.future = future;
            this.counts = new MapProgress.Chunk(items.length);
        }
    }

    /** An item's exception in place of its result. */
    private static final class Failed {
        final Throwable error;

        Failed(Throwable error) {
            this.error = error;
        }
    }
}
