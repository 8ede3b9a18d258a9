package dev.loky.spring.autoconfigure;

import dev.loky.MapOptions;
import dev.loky.PoolConfig;
import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;
import dev.loky.RemoteCallable;
import dev.loky.RemoteFunction;
import dev.loky.RemoteRunnable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The auto-configured {@link ProcessExecutor}: the pool is prepared on a background thread (checking
 * {@code loky.worker.jvm-args} with {@code java ... -version}, extracting a fat jar, capturing the
 * environment for workers), so none of that runs on the thread that builds the application's beans.
 *
 * <p>Until the pool is ready, {@link #snapshot()} shows an empty pool (state {@code PREPARING}) and
 * {@link #prestart()} is remembered; task submission, {@link #config()} and the lifecycle methods
 * wait for the preparation (bounded by its own timeouts). If the
 * preparation fails (e.g. a JVM argument the worker JVM rejects), the reason is logged at ERROR once,
 * the snapshot carries it as a start-up failure (so the {@code loky} health is DOWN with that reason),
 * and every call fails with it. Thread-safe.
 */
final class PreparedProcessExecutor implements ProcessExecutor {

    private static final Log logger = LogFactory.getLog(PreparedProcessExecutor.class);

    private final PoolConfig known;
    private final CompletableFuture<ProcessExecutor> pool;
    private final CompletableFuture<Void> validated = new CompletableFuture<>();

    /**
     * @param preparation builds the pool; it runs the given {@code Runnable} once the worker JVM
     * arguments have been checked (the rest, e.g. extracting a fat jar, may take longer)
     */
    PreparedProcessExecutor(PoolConfig known, Function<Runnable, ProcessExecutor> preparation) {
        this.known = known;
        this.pool = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                pool.complete(preparation.apply(() -> validated.complete(null)));
            } catch (Throwable e) {
                if (!validated.isDone()) {
                    // an invalid setting: awaitValidated() fails the application's start-up with it
                    pool.completeExceptionally(e);
                    return;
                }
                logger.error("loky cannot start worker JVMs: " + e.getMessage()
                        + " @ProcessAsync calls and ProcessExecutor tasks will fail with this error until the application is restarted.", e);
                pool.completeExceptionally(e);
            }
        }, "loky-prepare");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until the worker JVM arguments have been checked, and throws the check's exception if
     * they are invalid. Called when the context starts ({@link ProcessExecutorCloser#start()}): the
     * check (a {@code java ... -version}) ran meanwhile, beside the creation of the other beans, and a
     * bad {@code loky.worker.jvm-args} still fails start-up with its failure-analyzer message.
     */
    void awaitValidated() {
        try {
            CompletableFuture.anyOf(validated, pool).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** The prepared pool, waiting for it if needed; the preparation's own exception if it failed. */
    ProcessExecutor pool() {
        try {
            return pool.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** What is left fails with {@code reason} (see {@link ProcessExecutor#abort(String)}). */
    @Override
    public void abort(String reason) {
        if (!pool.isCompletedExceptionally()) {
            pool().abort(reason);
        } else {
            shutdownNow();
        }
    }

    @Override
    public <T> CompletableFuture<T> submit(RemoteCallable<T> task) {
        return pool().submit(task);
    }

    @Override
    public <T> CompletableFuture<T> submit(RemoteCallable<T> task, Duration timeout) {
        return pool().submit(task, timeout);
    }

    @Override
    public CompletableFuture<Void> execute(RemoteRunnable task) {
        return pool().execute(task);
    }

    @Override
    public <T, R> List<R> map(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options) {
        return pool().map(function, items, options);
    }

    @Override
    public <T, R> Stream<R> imap(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options) {
        return pool().imap(function, items, options);
    }

    @Override
    public <T, R> Stream<R> imapUnordered(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options) {
        return pool().imapUnordered(function, items, options);
    }

    @Override
    public <T, R> Stream<dev.loky.Indexed<R>> imapIndexed(RemoteFunction<T, R> function, Iterable<T> items, MapOptions options) {
        return pool().imapIndexed(function, items, options);
    }

    @Override
    public void resize(int maxWorkers) {
        known.checkResize(maxWorkers);
        pool().resize(maxWorkers);
    }

    @Override
    public void prestart() {
        // never on the caller's thread (the application's ready event): launching JVMs takes a while
        pool.thenAcceptAsync(ProcessExecutor::prestart);
    }

    @Override
    public PoolSnapshot snapshot() {
        if (pool.isDone() && !pool.isCompletedExceptionally()) {
            return pool.join().snapshot();
        }
        String failure = null;
        if (pool.isCompletedExceptionally()) {
            try {
                pool.join();
            } catch (CompletionException e) {
                failure = e.getCause().getMessage();
            }
        }
        return new PoolSnapshot(failure == null ? PoolSnapshot.State.PREPARING : PoolSnapshot.State.RUNNING, known.startMethod(), known.maxWorkers(), 0, List.of(),
                new PoolSnapshot.Counters(0, 0, 0, 0, 0, Map.of(), failure == null ? 0 : 1, failure == null ? 0 : 1), failure);
    }

    @Override
    public PoolConfig config() {
        return pool.isCompletedExceptionally() ? known : pool().config();
    }

    @Override
    public void shutdown() {
        if (!pool.isCompletedExceptionally()) {
            pool().shutdown();
        }
    }

    @Override
    public void shutdownNow() {
        if (!pool.isCompletedExceptionally()) {
            pool().shutdownNow();
        }
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return pool.isCompletedExceptionally() || pool().awaitTermination(timeout);
    }

    @Override
    public boolean isShutdown() {
        return pool.isCompletedExceptionally() || (pool.isDone() && pool.join().isShutdown());
    }

    @Override
    public boolean isTerminated() {
        return pool.isCompletedExceptionally() || (pool.isDone() && pool.join().isTerminated());
    }

    @Override
    public void close() {
        if (!pool.isCompletedExceptionally()) {
            pool().close();
        }
    }
}
