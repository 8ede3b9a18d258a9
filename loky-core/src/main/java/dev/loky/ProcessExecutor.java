package dev.loky;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;

/**
 * A pool of worker JVMs (or threads, for {@link StartMethod#THREADS}) that runs serializable tasks.
 *
 * <p>Concurrency contract: every method may be called from any thread. {@code submit} never blocks
 * on the pool's workers (not even during {@link #resize}); it only serializes the task on the
 * calling thread. Every returned future completes: with the task's value, with the task's own
 * exception, or with a {@link LokyException} that says why the task could not run to its end.
 * A worker that dies fails only the task it held.
 */
public interface ProcessExecutor extends AutoCloseable {

    /**
     * Runs the task in a worker. A task that cannot be serialized fails the returned future with
     * {@link TaskSerializationException}; nothing else is touched.
     *
     * @throws RejectedExecutionException after {@link #shutdown()}
     * @throws NullPointerException if {@code task} is null
     */
    <T> CompletableFuture<T> submit(RemoteCallable<T> task);

    /**
     * Runs the task in a worker with its own timeout (overriding the pool's); when it runs longer
     * its worker is killed and replaced and the future fails with {@link TaskTimeoutException}.
     * {@code null} means the pool's timeout.
     */
    <T> CompletableFuture<T> submit(RemoteCallable<T> task, Duration timeout);

    /** Runs the task in a worker; the future completes with {@code null} when it is done. */
    CompletableFuture<Void> execute(RemoteRunnable task);

    /** Applies {@code function} to every item in workers; results in input order. Blocks. */
    default <T, R> List<R> map(RemoteFunction<T, R> function, Iterable<T> items) {
        return map(function, items, MapOptions.defaults());
    }

    /**
     * Applies {@code function} to every item in workers, in chunks; results in input order. Blocks
     * until all are done. Failures are per item: a failed item's exception keeps its original type
     * and gets a suppressed {@link LokyException} naming the item ({@code item 13 of 20}) and
     * carrying the frames where {@code map} was called; a worker crash, {@code OutOfMemoryError} or
     * timeout inside a chunk fails only the item that caused it (the chunk's items are run again one
     * by one to find it, so the others may run twice). With {@link MapOptions#failFast(boolean)
     * failFast} (the default) the first failed item's exception is thrown after the chunks in
     * flight are cancelled; without it every item runs and a {@link MapFailedException} carries
     * the results and the failures.
     */
    <T, R> List<R> map(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options);

    /** {@link #mapAll(RemoteFunction, Iterable, MapOptions)} with the default options. */
    default <T, R> MapResult<R> mapAll(RemoteFunction<T, R> function, Iterable<T> items) {
        return mapAll(function, items, MapOptions.defaults());
    }

    /**
     * Applies {@code function} to every item, whatever fails (the options' {@code failFast} is
     * ignored: every item runs), and returns the results in input order with the failures beside
     * them, typed: {@code null} in {@link MapResult#results()} where an item failed, and in
     * {@link MapResult#failures()} an exception naming it. Blocks until all are done.
     */
    @SuppressWarnings("unchecked")
    default <T, R> MapResult<R> mapAll(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options) {
        try {
            return MapResult.of(map(function, items, options.failFast(false)), java.util.Map.of());
        } catch (MapFailedException e) {
            return MapResult.of(e.results(), e.failures());
        }
    }

    /** A lazy, ordered stream of results; see {@link #imap(RemoteFunction, Iterable, MapOptions)}. */
    default <T, R> Stream<R> imap(RemoteFunction<T, R> function, Iterable<T> items) {
        return imap(function, items, MapOptions.defaults());
    }

    /**
     * A lazy, ordered stream of results. Items are read from {@code items} only as chunks are sent,
     * with a bounded number of chunks in flight, so a huge or endless input is never held at once.
     * Failures are per item, as for {@link #map(RemoteFunction, Iterable, MapOptions) map}: with
     * fail-fast the stream yields every result before the failed item and then throws its
     * exception; without it, it yields every good result and then throws
     * {@link MapFailedException} (whose {@code results()} is empty: the stream handed them out).
     * Closing the stream cancels what is still in flight.
     */
    <T, R> Stream<R> imap(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options);

    /** Like {@link #imap(RemoteFunction, Iterable)}, but results come as they complete. */
    default <T, R> Stream<R> imapUnordered(RemoteFunction<T, R> function, Iterable<T> items) {
        return imapUnordered(function, items, MapOptions.defaults());
    }

    /** Like {@link #imap(RemoteFunction, Iterable, MapOptions)}, but results come as they complete. */
    <T, R> Stream<R> imapUnordered(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options);

    /** {@link #imapIndexed(RemoteFunction, Iterable, MapOptions)} with the default options. */
    default <T, R> Stream<Indexed<R>> imapIndexed(RemoteFunction<T, R> function, Iterable<T> items) {
        return imapIndexed(function, items, MapOptions.defaults());
    }

    /**
     * Like {@link #imapUnordered(RemoteFunction, Iterable, MapOptions)}: results as they complete,
     * each with the index of its item in the input, so they can be joined back to it.
     */
    <T, R> Stream<Indexed<R>> imapIndexed(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options);

    /**
     * Changes the number of workers without blocking anyone: growing starts workers as work needs
     * them; shrinking retires idle workers at once and busy ones after their current task.
     *
     * @throws IllegalArgumentException if {@code maxWorkers <= 0}
     */
    void resize(int maxWorkers);

    /**
     * Starts workers now, up to the pool's size, so that the first tasks do not wait for a JVM to
     * start (what {@link PoolConfig#prestart()} does at creation), and keeps the pool at that size
     * from then on (the {@code SPAWN} pool replaces a worker lost while idle, retries a failed
     * start after its back-off, and its idle timeout retires none). Returns at once.
     */
    void prestart();

    /** A consistent picture of the workers, the queue and the counters. */
    PoolSnapshot snapshot();

    /** The configuration this pool was built with (its {@code maxWorkers} as built; see {@link #snapshot()}). */
    PoolConfig config();

    /** Accepts no new tasks; queued and running tasks finish, then the workers exit. */
    void shutdown();

    /** Accepts no new tasks, cancels queued and running tasks, and kills the workers. */
    void shutdownNow();

    /**
     * Like {@link #shutdownNow()} (a separate name so that {@code pool::shutdownNow} stays unambiguous), for an owner that stops the pool on its own terms (the JVM exiting,
     * an application context after its shutdown timeout): what is left fails instead of being
     * cancelled, each failure saying {@code reason} (a running task with a
     * {@link TerminatedWorkerException}, a task not started with a {@link LokyException}), and later
     * submits are rejected with it.
     */
    default void abort(String reason) {
        shutdownNow();
    }

    /** Waits until the pool has terminated after a shutdown; {@code false} if the time ran out. */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /** {@code true} once {@link #shutdown()} or {@link #shutdownNow()} was called. */
    boolean isShutdown();

    /** {@code true} once the pool shut down and every worker has exited. */
    boolean isTerminated();

    /**
     * {@link #shutdown()} and wait for termination; if interrupted while waiting,
     * {@link #shutdownNow()}.
     */
    @Override
    void close();
}
