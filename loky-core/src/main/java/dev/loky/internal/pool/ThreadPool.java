package dev.loky.internal.pool;

import dev.loky.PoolConfig;
import dev.loky.PoolSnapshot;
import dev.loky.RemoteCallable;
import dev.loky.StartMethod;
import dev.loky.TaskTimeoutException;
import dev.loky.internal.pool.outcome.Outcomes;
import dev.loky.internal.pool.scheduling.PoolCounters;
import dev.loky.internal.pool.scheduling.PoolTask;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link StartMethod#THREADS} executor: tasks run on threads of this JVM, without serialization
 * and without isolation (mpire's {@code threading}). A timeout or a cancel interrupts the thread; a
 * task that ignores interrupts keeps its thread, since a thread cannot be killed.
 */
final class ThreadPool extends AbstractProcessExecutor {

    private final PoolConfig config;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicLong ids = new AtomicLong();
    private final Set<Runner<?>> running = ConcurrentHashMap.newKeySet();
    private final PoolCounters counters;

    ThreadPool(PoolConfig config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.counters = new PoolCounters(config.listeners());
        AtomicInteger threadIds = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(config.maxWorkers(), config.maxWorkers(),
                config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, config.name() + "-thread-" + threadIds.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        if (config.prestart()) {
            executor.prestartAllCoreThreads();
        }
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, config.name() + "-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        if (config.initializer() != null) {
            config.initializer().run();
        }
    }

    @Override
    public <T> CompletableFuture<T> submit(RemoteCallable<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task must not be null");
        checkTimeout(timeout);
        if (executor.isShutdown()) {
            throw rejected(config.name());
        }
        Duration effective = timeout != null ? timeout : config.taskTimeout();
        Runner<T> runner = new Runner<>(task);
        PoolTask<T> future = new PoolTask<>(ids.incrementAndGet(), null, effective, Outcomes.describe(task), cancelled -> {
            counters.cancelled(cancelled);
            runner.interrupt();
        });
        runner.future = future;
        future.handedTo(ProcessHandle.current().pid()); // the tasks run in this JVM
        try {
            executor.execute(runner);
        } catch (RejectedExecutionException e) {
            throw rejected(config.name());
        }
        counters.submitted();
        return future;
    }

    @Override
    protected int parallelism() {
        return executor.getMaximumPoolSize();
    }

    @Override
    public synchronized void resize(int maxWorkers) {
        config().checkResize(maxWorkers);
        if (maxWorkers > executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(maxWorkers);
            executor.setCorePoolSize(maxWorkers);
        } else {
            executor.setCorePoolSize(maxWorkers);
            executor.setMaximumPoolSize(maxWorkers);
        }
    }

    @Override
    public void prestart() {
        executor.prestartAllCoreThreads();
    }

    @Override
    public PoolSnapshot snapshot() {
        long pid = ProcessHandle.current().pid();
        List<PoolSnapshot.Worker> workers = new ArrayList<>();
        int i = 0;
        for (Runner<?> r : running) {
            workers.add(new PoolSnapshot.Worker(++i, pid, PoolSnapshot.WorkerState.BUSY, r.future.toString(), 0, -1, -1,
                    Duration.ofNanos(System.nanoTime() - r.future.submittedNanos), null));
        }
        PoolSnapshot.State state = executor.isTerminated() ? PoolSnapshot.State.TERMINATED
                : executor.isShutdown() ? PoolSnapshot.State.SHUTTING_DOWN : PoolSnapshot.State.RUNNING;
        return new PoolSnapshot(state, StartMethod.THREADS, executor.getMaximumPoolSize(), executor.getQueue().size(),
                List.copyOf(workers), counters.snapshot(0), null).withMaps(runningMaps());
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public void shutdown() {
        executor.shutdown();
        timer.shutdown();
    }

    @Override
    public void shutdownNow() {
        for (Runnable queued : executor.shutdownNow()) {
            ((Runner<?>) queued).future.cancel(true);
        }
        for (Runner<?> r : running) {
            r.future.cancel(true);
        }
        timer.shutdownNow();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isShutdown() {
        return executor.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return executor.isTerminated();
    }


    /** Runs one task on a pool thread; knows its thread so that a cancel or timeout can interrupt it. */
    private final class Runner<T> implements Runnable {
        /** Set once, before the runner is handed to the executor. */
        PoolTask<T> future;
        private final RemoteCallable<T> task;
        private Thread thread;

        Runner(RemoteCallable<T> task) {
            this.task = task;
        }

        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }

        @Override
        public void run() {
            if (future.isDone()) {
                return;
            }
            synchronized (this) {
                thread = Thread.currentThread();
            }
            running.add(this);
            ScheduledFuture<?> timeout = null;
            if (future.timeout != null) {
                timeout = timer.schedule(() -> {
                    if (future.finish(null, new TaskTimeoutException(future + " did not finish within "
                            + future.timeout + "; its thread was interrupted", future.timeout), counters)) {
                        interrupt();
                    }
                }, future.timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            T value = null;
            Throwable error = null;
            try {
                value = task.call();
            } catch (Throwable t) {
                error = t;
            } finally {
                running.remove(this);
                if (timeout != null) {
                    timeout.cancel(false);
                }
                synchronized (this) {
                    thread = null;
                    Thread.interrupted();
                }
            }
            future.finish(value, error, counters);
        }
    }
}
