package dev.loky.internal.pool;

import dev.loky.MapOptions;
import dev.loky.ProcessExecutor;
import dev.loky.RemoteCallable;
import dev.loky.RemoteFunction;
import dev.loky.RemoteRunnable;
import dev.loky.internal.pool.map.MapIterator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * What every executor shares: {@code execute} and the {@code map} family, built on {@code submit}.
 * Public only for loky's own executors in other modules (the cluster executor of
 * {@code loky-hazelcast}); it is internal, not API.
 */
public abstract class AbstractProcessExecutor implements ProcessExecutor {

    /** The current number of workers, to size chunks and the in-flight window. */
    protected abstract int parallelism();

    private final java.util.Set<MapIterator<?, ?>> runningMaps = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong mapIds = new java.util.concurrent.atomic.AtomicLong();

    /** This executor as its maps see it; any thread. */
    private final MapIterator.Pool mapPool = new MapIterator.Pool() {
        @Override
        public int parallelism() {
            return AbstractProcessExecutor.this.parallelism();
        }

        @Override
        public long started(MapIterator<?, ?> map) {
            runningMaps.add(map);
            return mapIds.incrementAndGet();
        }

        @Override
        public void ended(MapIterator<?, ?> map) {
            runningMaps.remove(map);
        }

        @Override
        public <V> CompletableFuture<V> submit(RemoteCallable<V> task, Duration timeout) {
            return AbstractProcessExecutor.this.submit(task, timeout);
        }
    };

    /** The maps still running, oldest first, for {@link dev.loky.PoolSnapshot#maps()}. */
    protected List<dev.loky.PoolSnapshot.MapRun> runningMaps() {
        return runningMaps.stream().map(MapIterator::describe)
                .sorted(java.util.Comparator.comparingLong(dev.loky.PoolSnapshot.MapRun::id)).toList();
    }

    @Override
    public <T> CompletableFuture<T> submit(RemoteCallable<T> task) {
        return submit(task, null);
    }

    /**
     * {@link #shutdown()} and wait for termination, as {@code ExecutorService.close} does; if
     * interrupted while waiting, {@link #shutdownNow()}.
     */
    @Override
    public void close() {
        shutdown();
        try {
            while (!awaitTermination(Duration.ofDays(1))) {
                // keep waiting
            }
        } catch (InterruptedException e) {
            shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** A per-task timeout must be positive; {@code null} means the pool's. */
    protected static void checkTimeout(Duration timeout) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("timeout must be positive (or null for the pool's), but was " + timeout);
        }
    }

    /** What {@code submit} throws after shutdown. */
    protected static RejectedExecutionException rejected(String poolName) {
        return new RejectedExecutionException("the loky pool '" + poolName + "' is shut down; it accepts no new tasks");
    }

    @Override
    public CompletableFuture<Void> execute(RemoteRunnable task) {
        Objects.requireNonNull(task, "task must not be null");
        return submit(new RunnableTask(task), null);
    }

    @Override
    public <T, R> List<R> map(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options) {
        // sized up front when the input's size is known: growing a list of millions of results
        // copies it over and over in the caller's young generation
        List<R> results = new ArrayList<>(items instanceof java.util.Collection<?> c ? c.size() : 10);
        try (MapIterator<T, R> iterator = mapIterator(function, items, options, true, true)) {
            iterator.forEachRemaining(results::add);
            if (!iterator.failures().isEmpty()) {
                // failFast(false): every item ran; the good results travel with the failures
                throw new dev.loky.MapFailedException(results, iterator.failures(), iterator.itemsRead());
            }
        }
        return results;
    }

    @Override
    public <T, R> Stream<R> imap(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options) {
        return stream(mapIterator(function, items, options, true, false));
    }

    @Override
    public <T, R> Stream<R> imapUnordered(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options) {
        return stream(mapIterator(function, items, options, false, false));
    }

    @Override
    public <T, R> Stream<dev.loky.Indexed<R>> imapIndexed(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options) {
        MapIterator<T, R> iterator = mapIterator(function, items, options, false, false);
        // sequential: each result is mapped right after the iterator handed it out
        return stream(iterator).map(value -> new dev.loky.Indexed<>(iterator.indexOfLast(), value));
    }

    private <T, R> MapIterator<T, R> mapIterator(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options,
            boolean ordered, boolean nullForFailures) {
        Objects.requireNonNull(function, "function must not be null");
        Objects.requireNonNull(items, "items must not be null");
        Objects.requireNonNull(options, "options must not be null");
        return new MapIterator<>(mapPool, function, items, options, ordered, nullForFailures);
    }

    private static <R> Stream<R> stream(MapIterator<?, R> iterator) {
        Spliterator<R> spliterator = Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED);
        return StreamSupport.stream(spliterator, false).onClose(iterator::close);
    }
}
