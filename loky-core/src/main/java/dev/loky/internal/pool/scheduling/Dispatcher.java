package dev.loky.internal.pool.scheduling;

import dev.loky.PoolConfig;
import dev.loky.internal.pool.scheduling.WorkerSlot.State;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The {@link Scheduler}'s queue and the way tasks meet workers: idle workers first, then new
 * workers for what is left and for the spares (unless start-ups are backing off), then send-ahead: when tasks are
 * short (their mean run time under {@link #PREFETCH_BELOW_NANOS}), a busy worker gets up to
 * {@link #PREFETCH_DEPTH} tasks ahead, so it never waits a round trip between them. Long tasks are
 * never sent ahead: they would wait behind another while a worker may fall idle. Not thread-safe:
 * owned by the scheduler.
 */
final class Dispatcher {

    /** Tasks shorter than this on average are sent ahead to busy workers. */
    static final long PREFETCH_BELOW_NANOS = 1_000_000;
    /** At most this many tasks are in flight on one worker. */
    static final int PREFETCH_DEPTH = 8;

    /** Tasks waiting for a worker, in order. */
    final ArrayDeque<PoolTask<?>> queue = new ArrayDeque<>();
    private final PoolConfig config;
    private final LongSupplier clock;
    private final Effects effects;
    private final WorkerRoster workers;
    private final StartBackoff backoff;
    /** Called when workers are needed but start-ups are backing off. */
    private final Runnable onBlocked;
    /** Mean run time of recent tasks (exponentially weighted), 0 until one finished. */
    private long meanTaskNanos;

    Dispatcher(PoolConfig config, LongSupplier clock, Effects effects, WorkerRoster workers, StartBackoff backoff,
            Runnable onBlocked) {
        this.config = config;
        this.clock = clock;
        this.effects = effects;
        this.workers = workers;
        this.backoff = backoff;
        this.onBlocked = onBlocked;
    }

    /** Queued tasks, counting those sent ahead to a worker but not started. */
    int queued() {
        int queued = queue.size();
        for (WorkerSlot w : workers) {
            queued += Math.max(0, w.inFlight.size() - 1);
        }
        return queued;
    }

    /** A task ran for {@code nanos}: feeds the mean that decides send-ahead. */
    void ran(long nanos) {
        meanTaskNanos = meanTaskNanos == 0 ? nanos : (meanTaskNanos * 7 + nanos) / 8;
    }

    /**
     * Hands queued tasks to idle workers, starts workers for what is left, then sends ahead.
     *
     * @param maxWorkers how many workers may run tasks at once
     * @param spares how many idle (or starting) workers to keep beyond the queued tasks' needs
     * @param beyond how many workers may live beyond {@code maxWorkers} ({@code loky.worker.spares}:
     *        spares stand by beside {@code maxWorkers} busy ones, they do not take their place)
     */
    void dispatch(int maxWorkers, int spares, int beyond) {
        while (!queue.isEmpty()) {
            if (config.spares() > 0 && workers.countBusy() >= maxWorkers) {
                break; // at most maxWorkers run tasks: the others are the spares (draining a shutdown too)
            }
            WorkerSlot idle = workers.firstIdle();
            if (idle == null) {
                break;
            }
            PoolTask<?> task = queue.poll();
            if (task.isDone()) {
                continue; // cancelled while queued
            }
            assign(idle, task);
        }
        // workers for the tasks still waiting, plus the spares (idle or starting beyond them)
        int demand = queue.size() + spares;
        int available = workers.countStarting() + workers.countIdle();
        while (demand > available && workers.countActive() < maxWorkers + beyond) {
            if (backoff.blocks()) {
                onBlocked.run();
                break;
            }
            workers.spawn(maxWorkers);
            available++;
        }
        prefetch();
    }

    /** Starts one worker for a task about to be submitted, unless start-ups are backing off. */
    void startFirstWorker(int maxWorkers) {
        if (!backoff.blocks() && workers.countActive() < maxWorkers) {
            workers.spawn(maxWorkers);
        }
    }

    /** Sends queued tasks ahead to busy workers, when tasks are short (see the class comment). */
    private void prefetch() {
        if (queue.isEmpty() || meanTaskNanos == 0 || meanTaskNanos > PREFETCH_BELOW_NANOS) {
            return;
        }
        while (!queue.isEmpty()) {
            WorkerSlot target = null;
            for (WorkerSlot w : workers) {
                if (w.state == State.BUSY && w.leavesAfterTasks == null && w.inFlight.size() < PREFETCH_DEPTH
                        && (config.workerMaxTasks() == 0 || w.tasksDone + w.inFlight.size() < config.workerMaxTasks())
                        && (target == null || w.inFlight.size() < target.inFlight.size())) {
                    target = w;
                }
            }
            if (target == null) {
                return;
            }
            PoolTask<?> task = queue.poll();
            if (!task.isDone()) {
                assign(target, task);
            }
        }
    }

    private void assign(WorkerSlot w, PoolTask<?> task) {
        w.state = State.BUSY;
        w.inFlight.add(task);
        task.worker = w;
        if (w.inFlight.size() == 1) {
            startHead(w);
        }
        effects.send(w, task);
    }

    /** The worker's first in-flight task starts running now: its timeout starts now too. */
    void startHead(WorkerSlot w) {
        PoolTask<?> head = w.inFlight.peek();
        w.headStartedNanos = clock.getAsLong();
        if (head.isCancelled()) {
            // cancelled while it waited in the worker: it is skipped, or interrupted if it started
            startCancelGrace(w, head);
        } else if (head.timeout != null) {
            head.timeoutTimer = effects.arm(Timer.Kind.TASK_TIMEOUT, w, head, head.timeout.toNanos());
        }
    }

    void startCancelGrace(WorkerSlot w, PoolTask<?> task) {
        effects.unschedule(w.cancelGrace);
        w.cancelGrace = effects.arm(Timer.Kind.CANCEL_GRACE, w, task, config.cancelGracePeriod().toNanos());
    }

    /**
     * {@code shutdownNow}: empties the queue and every worker's in-flight tasks and cancels them all;
     * a running task's worker is named, so that its future can say what was stopped.
     */
    void cancelAll() {
        List<PoolTask<?>> pending = new ArrayList<>(queue);
        queue.clear();
        for (WorkerSlot w : workers) {
            PoolTask<?> running = w.state == State.DEAD ? null : w.inFlight.poll();
            if (running != null) {
                effects.cancelFuture(running, w);
            }
            pending.addAll(w.inFlight);
            w.inFlight.clear();
        }
        for (PoolTask<?> task : pending) {
            effects.cancelFuture(task, null);
        }
    }

    /** Puts the tasks a worker will never run back at the front of the queue, in their order. */
    void requeue(WorkerSlot w) {
        for (Iterator<PoolTask<?>> it = w.inFlight.descendingIterator(); it.hasNext(); ) {
            PoolTask<?> t = it.next();
            effects.unschedule(t.timeoutTimer);
            t.worker = null;
            if (!t.isDone()) {
                queue.addFirst(t);
            }
        }
        w.inFlight.clear();
    }
}
