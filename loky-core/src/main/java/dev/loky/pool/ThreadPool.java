package dev.loky.pool;

import dev.loky.PoolConfig;
import dev.loky.PoolSnapshot;
import dev.loky.RemoteCallable;
import dev.loky.StartMethod;
import dev.loky.TaskOutcome;
import dev.loky.TaskTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
public final class ThreadPool extends AbstractProcessExecutor {

    private final PoolConfig config;
    private final Listeners listeners;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicLong ids = new AtomicLong();
    private final Set<Runner<?>> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();

    public ThreadPool(PoolConfig config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.listeners = new Listeners(config.listeners());
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
        PoolTask<T> future = new PoolTask<>(ids.incrementAndGet(), null, effective, ProcessPool.describe(task), this::onCancel);
        Runner<T> runner = new Runner<>(future, task);
        future.worker = runner;
        try {
            executor.execute(runner);
        } catch (RejectedExecutionException e) {
            throw rejected(config.name());
        }
        submitted.incrementAndGet();
        return future;
    }

    private void onCancel(PoolTask<?> task) {
        cancelled.incrementAndGet();
        listeners.fire(l -> l.taskFinished(TaskOutcome.CANCELLED, task.elapsed()));
        ((Runner<?>) task.worker).interrupt();
    }

    @Override
    protected int parallelism() {
        return executor.getMaximumPoolSize();
    }

    @Override
    public synchronized void resize(int maxWorkers) {
        if (maxWorkers <= 0) {
            throw new IllegalArgumentException("maxWorkers must be > 0, but was " + maxWorkers);
        }
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
            workers.add(new PoolSnapshot.Worker(++i, pid, "BUSY", r.future.toString(), 0, -1, -1,
                    Duration.ofNanos(System.nanoTime() - r.future.submittedNanos), null));
        }
        String state = executor.isTerminated() ? "TERMINATED" : executor.isShutdown() ? "SHUTTING_DOWN" : "RUNNING";
        return new PoolSnapshot(state, StartMethod.THREADS, executor.getMaximumPoolSize(), executor.getQueue().size(),
                List.copyOf(workers), new PoolSnapshot.Counters(submitted.get(), succeeded.get(), failed.get(),
                        cancelled.get(), 0, Map.of(), 0, 0), null).withMaps(runningMaps());
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
        final PoolTask<T> future;
        private final RemoteCallable<T> task;
        private Thread thread;

        Runner(PoolTask<T> future, RemoteCallable<T> task) {
            this.future = future;
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
                    if (future.completeExceptionally(new TaskTimeoutException(future + " did not finish within "
                            + future.timeout + "; its thread was interrupted", future.timeout))) {
                        failed.incrementAndGet();
                        listeners.fire(l -> l.taskFinished(TaskOutcome.TIMEOUT, future.elapsed()));
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
            boolean completed = error == null ? future.complete(value) : future.completeExceptionally(error);
            if (completed) {
                (error == null ? succeeded : failed).incrementAndGet();
                TaskOutcome outcome = PoolTask.outcomeOf(error);
                listeners.fire(l -> l.taskFinished(outcome, future.elapsed()));
                Throwable thrown = error;
                listeners.fire(l -> l.taskCompleted(future.description, ProcessHandle.current().pid(), outcome, future.elapsed(), thrown));
            }
        }
    }
}
