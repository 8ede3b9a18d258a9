package dev.loky.pool;

import dev.loky.LokyException;
import dev.loky.MapOptions;
import dev.loky.PoolSnapshot;
import dev.loky.ProgressListener;
import dev.loky.RemoteFunction;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The results of an {@code imap} or {@code imapUnordered}, pulled lazily: input items are read only
 * to fill the next chunk, and at most {@code maxInFlight} chunks are submitted and not yet consumed
 * (back-pressure). Used by one consuming thread; the completion callbacks only touch the
 * thread-safe {@link #completed} queue and the progress counter.
 */
final class MapIterator<T, R> implements Iterator<R>, AutoCloseable {

    private final AbstractProcessExecutor executor;
    private final RemoteFunction<T, R> function;
    private final Iterator<T> input;
    private final int chunkSize;
    private final int maxInFlight;
    private final boolean ordered;
    private final MapOptions options;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    /** For progress rate/ETA and the pool snapshot's running maps. */
    private final long id;
    private final long startNanos = System.nanoTime();

    private final ArrayDeque<CompletableFuture<PackedValues>> inFlight = new ArrayDeque<>();
    private final LinkedBlockingQueue<CompletableFuture<PackedValues>> completed = new LinkedBlockingQueue<>();
    private Object[] current;
    private int position;
    private boolean closed;

    MapIterator(AbstractProcessExecutor executor, RemoteFunction<T, R> function, Iterable<T> items, MapOptions options,
            boolean ordered) {
        this.executor = executor;
        this.function = function;
        this.input = items.iterator();
        this.options = options;
        this.ordered = ordered;
        int workers = Math.max(1, executor.parallelism());
        this.total = items instanceof Collection<?> c ? c.size() : -1;
        if (options.chunkSize() > 0) {
            this.chunkSize = options.chunkSize();
        } else if (total >= 0) {
            this.chunkSize = (int) Math.max(1, (total + 4L * workers - 1) / (4L * workers));
        } else {
            this.chunkSize = MapOptions.DEFAULT_LAZY_CHUNK_SIZE;
        }
        this.maxInFlight = 2 * workers + 2;
        this.id = executor.mapStarted(this);
    }

    /** This map as a snapshot shows it. Any thread. */
    PoolSnapshot.MapRun describe() {
        String name = function.getClass().getName();
        int lambda = name.indexOf("$$Lambda");
        return new PoolSnapshot.MapRun(id, lambda < 0 ? name : name.substring(0, lambda) + " (lambda)", progress(done.get()));
    }

    private ProgressListener.Progress progress(long completed) {
        return new ProgressListener.Progress(completed, total, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    @Override
    public boolean hasNext() {
        if (current != null && position < current.length) {
            return true;
        }
        while (true) {
            fill();
            if (inFlight.isEmpty()) {
                current = null;
                executor.mapEnded(this);
                return false;
            }
            current = next(awaitChunk());
            position = 0;
            if (current.length > 0) {
                return true;
            }
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

    /** Submits chunks until {@code maxInFlight} are outstanding or the input ends. */
    private void fill() {
        if (closed) {
            throw new IllegalStateException("this map's stream was closed");
        }
        while (inFlight.size() < maxInFlight && input.hasNext()) {
            List<Object> items = new ArrayList<>(chunkSize);
            while (items.size() < chunkSize && input.hasNext()) {
                items.add(input.next());
            }
            MapChunk<T, R> chunk = new MapChunk<>(function, items.toArray());
            CompletableFuture<PackedValues> future = executor.submit(chunk, options.taskTimeout());
            int size = chunk.size();
            inFlight.add(future);
            future.whenComplete((result, error) -> {
                if (!ordered) {
                    completed.add(future);
                }
                ProgressListener progress = options.progress();
                long now = done.addAndGet(size);
                if (progress != null) {
                    progress.onProgress(progress(now));
                }
            });
        }
    }

    private CompletableFuture<PackedValues> awaitChunk() {
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

    private Object[] next(CompletableFuture<PackedValues> chunk) {
        try {
            Object[] result = chunk.get().unpack();
            inFlight.remove(chunk);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new LokyException("interrupted while waiting for map results", e);
        } catch (ExecutionException e) {
            close();
            throw rethrow(e.getCause());
        } catch (CancellationException e) {
            close();
            throw e;
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

    /** Cancels every chunk still in flight. */
    @Override
    public void close() {
        closed = true;
        executor.mapEnded(this);
        for (CompletableFuture<PackedValues> future : inFlight) {
            future.cancel(true);
        }
        inFlight.clear();
    }
}
