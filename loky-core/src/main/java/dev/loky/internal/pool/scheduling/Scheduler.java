package dev.loky.internal.pool.scheduling;

import dev.loky.PoolConfig;
import dev.loky.WorkerStartupException;
import dev.loky.internal.pool.scheduling.WorkerSlot.State;
import org.slf4j.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The pool's state machine: the queue, the worker slots, dispatch and send-ahead, requeue, retire,
 * back-off and shutdown. Events come in as method calls (submitted, ready, replied, exited, timer
 * fired, cancelled, resized, idle tick, shutdown); what they imply goes out through {@link Effects}
 * (start a worker, send a task, kill a worker, fail a future, schedule a timer). Each event method
 * reads as its decisions; the mechanics sit in three helpers it owns: {@link Dispatcher} (the queue,
 * tasks meeting workers, send-ahead, requeue), {@link WorkerRoster} (the slots, spawning, and who
 * retires: resize, idle timeout, recycling) and {@link StartBackoff} (failed starts, retry and probe).
 *
 * <p>Concurrency: not thread-safe. It has no thread, no I/O and no clock of its own (time comes
 * from the {@link LongSupplier} it is given); its owner calls it under one lock, and an
 * {@link Effects} implementation must not block or call back into it (the pool collects the I/O
 * and runs it after releasing the lock). Tests drive it directly, single-threaded.
 *
 * <p>A worker may hold several tasks: the first runs, the rest were sent ahead (only when tasks are
 * short, see {@link Dispatcher}). A worker known to be leaving never gets a new task,
 * and tasks sent ahead to one that leaves are put back at the front of the queue.
 */
public final class Scheduler {

    private static final Logger log = PoolLog.logger();

    public enum PoolState { RUNNING, SHUTTING_DOWN, TERMINATED }

    private final PoolConfig config;
    private final LongSupplier clock;
    private final Effects effects;
    private final PoolCounters counters;

    private PoolState state = PoolState.RUNNING;
    private int maxWorkers;
    private final WorkerRoster workers;
    private final StartBackoff backoff;
    /** Set by {@link #prestart()}: the pool keeps {@code maxWorkers} started from then on. */
    private boolean keepFull;
    private final Dispatcher dispatcher;
    /** The dispatcher's queue: tasks waiting for a worker. */
    private final ArrayDeque<PoolTask<?>> queue;

    public Scheduler(PoolConfig config, LongSupplier clock, Effects effects, PoolCounters counters) {
        this.config = config;
        this.clock = clock;
        this.effects = effects;
        this.counters = counters;
        this.maxWorkers = config.maxWorkers();
        this.workers = new WorkerRoster(config, clock, effects, counters);
        this.backoff = new StartBackoff(clock, effects, counters);
        this.dispatcher = new Dispatcher(config, clock, effects, workers, backoff, this::scheduleRetry);
        this.queue = dispatcher.queue;
    }

    // ------------------------------------------------------------------ reading state

    public PoolState state() {
        return state;
    }

    public int maxWorkers() {
        return maxWorkers;
    }

    /** Queued tasks, counting those sent ahead to a worker but not started. */
    public int queued() {
        return dispatcher.queued();
    }

    /** The live slots, recorders included. */
    public List<WorkerSlot> workers() {
        return workers.copy();
    }

    public WorkerStartupException lastStartupError() {
        return backoff.lastError();
    }

    public int consecutiveStartupFailures() {
        return backoff.consecutiveFailures();
    }

    // ------------------------------------------------------------------ events

    /** A new task; {@code false} (and nothing changed) once the pool is shut down. */
    public boolean submit(PoolTask<?> task) {
        if (state != PoolState.RUNNING) {
            return false;
        }
        counters.submitted();
        queue.add(task);
        dispatch();
        return true;
    }

    /** A task is being serialized: a pool with no worker starts one now, to boot meanwhile. */
    public void expectTask() {
        if (state == PoolState.RUNNING && workers.countActive() == 0) {
            dispatcher.startFirstWorker(maxWorkers);
        }
    }

    public void resize(int newMax) {
        maxWorkers = newMax;
        workers.shrinkTo(newMax, state == PoolState.RUNNING ? config.spares() : 0);
        dispatch();
    }

    /**
     * Starts workers up to the pool's size, and keeps it that size from then on: a worker lost while
     * idle is replaced, a failed start is retried after the back-off, the idle timeout retires none.
     */
    public void prestart() {
        if (state != PoolState.RUNNING) {
            return;
        }
        keepFull = true;
        dispatch();
    }

    public void shutdown() {
        if (state != PoolState.RUNNING) {
            return;
        }
        state = PoolState.SHUTTING_DOWN;
        if (queue.isEmpty()) {
            workers.retireAllIdle(maxWorkers);
        }
        checkTerminated();
    }

    public void shutdownNow() {
        if (state == PoolState.TERMINATED) {
            return;
        }
        state = PoolState.SHUTTING_DOWN;
        dispatcher.cancelAll();
        workers.killAll();
        checkTerminated();
    }

    /** A worker reported ready; {@code true} when it joins the pool (not a recorder, not stopped meanwhile). */
    public boolean onReady(WorkerSlot w) {
        if (w.state != State.STARTING) {
            return false;
        }
        effects.unschedule(w.startupTimer);
        if (w.recorder) {
            workers.retire(w, Leaving.RECORDED, maxWorkers);
            return false;
        }
        w.state = State.IDLE;
        w.idleSinceNanos = clock.getAsLong();
        w.readyNanos = w.idleSinceNanos; // worker insights: start-up ends, waiting begins
        backoff.succeeded();
        if (drained()) {
            workers.retire(w, Leaving.SHUTDOWN, maxWorkers);
        }
        dispatch();
        return true;
    }

    /**
     * A worker answered task {@code taskId}: frees the worker (and gives it the next task) and
     * returns the task to complete, or {@code null} for a stale reply (the task timed out or was
     * handed back).
     *
     * @param leak a memory leak found in the reply's figures, or {@code null}
     * @param outOfMemory the answer is an {@code OutOfMemoryError}: the worker halts itself right
     *        after it, so it is leaving and whatever was sent ahead to it runs elsewhere
     */
    public PoolTask<?> onReply(WorkerSlot w, long taskId, String leak, boolean outOfMemory) {
        PoolTask<?> t = w.inFlight.peek();
        if (t == null || t.id != taskId) {
            return null;
        }
        w.inFlight.poll();
        w.tasksDone++;
        long ran = clock.getAsLong() - w.headStartedNanos;
        w.workingNanos += ran; // worker insights
        dispatcher.ran(ran);
        effects.unschedule(t.timeoutTimer);
        if (w.cancelGrace != null && w.cancelGrace.task == t) {
            effects.unschedule(w.cancelGrace);
            w.cancelGrace = null;
        }
        if (w.state == State.BUSY) {
            if (outOfMemory) {
                dispatcher.requeue(w);
                workers.retire(w, Leaving.OUT_OF_MEMORY, maxWorkers);
            } else {
                afterTask(w, leak);
            }
        }
        if (leak == null && w.state != State.RETIRING && w.state != State.DEAD) {
            effects.memoryCheckDue(w);
        }
        dispatch();
        if (drained()) {
            workers.retireAllIdle(maxWorkers);
        }
        return t;
    }

    private void afterTask(WorkerSlot w, String leak) {
        workers.recycleAfterTasks(w, leak);
        if (!w.inFlight.isEmpty()) {
            dispatcher.startHead(w);
        } else if (w.leavesAfterTasks != null) {
            workers.retire(w, w.leavesAfterTasks, maxWorkers);
        } else if (drained()) {
            workers.retire(w, Leaving.SHUTDOWN, maxWorkers);
        } else {
            w.state = State.IDLE;
            w.idleSinceNanos = clock.getAsLong();
        }
    }

    /**
     * A worker's process is gone. Fails the task it was running (returned as {@link Departure#lost}),
     * puts tasks sent ahead back in the queue, counts and replaces it.
     *
     * @param startupError builds the start-up error (its argument: the start timed out)
     */
    public Departure onExit(WorkerSlot w, Function<Boolean, WorkerStartupException> startupError) {
        if (w.state == State.DEAD) {
            return Departure.NOTHING;
        }
        State was = w.state;
        Leaving leaving = w.leaving;
        w.state = State.DEAD;
        workers.remove(w);
        effects.unschedule(w.startupTimer);
        effects.unschedule(w.cancelGrace);
        if (w.recorder) {
            // a failed recording is not a pool failure: the pool's own workers say if they cannot start
            checkTerminated();
            return Departure.NOTHING;
        }
        Departure departure = Departure.NOTHING;
        if (was == State.STARTING || (was == State.RETIRING && w.tasksDone == 0 && leaving == Leaving.STARTUP_TIMEOUT)) {
            if (leaving != Leaving.KILLED) {
                WorkerStartupException error = startupError.apply(leaving == Leaving.STARTUP_TIMEOUT);
                departure = new Departure(null, null, error, recordStartupFailure(error));
            }
        } else {
            PoolTask<?> lost = w.inFlight.poll();
            if (lost != null) {
                effects.unschedule(lost.timeoutTimer);
            }
            dispatcher.requeue(w);
            Leaving why = workers.departed(w, maxWorkers);
            if (why.restart != null && state == PoolState.RUNNING && workers.countActive() < maxWorkers) {
                workers.spawn(maxWorkers);
            }
            departure = new Departure(lost, why, null, List.of());
        }
        dispatch();
        checkTerminated();
        return departure;
    }

    /** The caller cancelled a task's future. */
    public void onCancel(PoolTask<?> task) {
        WorkerSlot w = task.worker;
        if (w == null) {
            if (queue.remove(task) && drained()) {
                workers.retireAllIdle(maxWorkers);
                checkTerminated();
            }
            return;
        }
        if (w.inFlight.contains(task)) {
            // The worker interrupts it if it runs, or skips it when it comes to it.
            effects.sendCancel(w, task);
            if (w.inFlight.peek() == task) {
                effects.unschedule(task.timeoutTimer);
                dispatcher.startCancelGrace(w, task);
            }
        }
    }

    public void onTimer(Timer timer) {
        WorkerSlot w = timer.worker;
        switch (timer.kind) {
            case STARTUP -> {
                if (w.state == State.STARTING && w.startupTimer == timer) {
                    workers.retire(w, Leaving.STARTUP_TIMEOUT, maxWorkers);
                }
            }
            case TASK_TIMEOUT -> {
                PoolTask<?> task = timer.task;
                if (w.inFlight.peek() == task && !task.isDone() && task.timeoutTimer == timer) {
                    killRunning(w, Leaving.TIMEOUT);
                    effects.timedOut(task, w);
                }
            }
            case CANCEL_GRACE -> {
                if (w.inFlight.peek() == timer.task && w.cancelGrace == timer) {
                    log.warn("{} ignored its interrupt for {}; killing {}", timer.task, config.cancelGracePeriod(), w);
                    killRunning(w, Leaving.CANCEL_IGNORED);
                }
            }
            case KILL -> {
                if (w.state != State.DEAD) {
                    effects.kill(w);
                }
            }
            case RETRY -> {
                backoff.retryFired();
                dispatch();
            }
            case PROBE -> {
                if (backoff.probeFired() && state == PoolState.RUNNING && workers.noneStaying()) {
                    workers.spawn(maxWorkers);
                }
            }
        }
    }

    /**
     * A ready worker sent nothing for the heartbeat timeout (frozen by SIGSTOP, swapped out, a long
     * pause): it is killed and replaced, and the task it was running fails now (whatever was sent
     * ahead to it runs elsewhere).
     */
    public void onUnresponsive(WorkerSlot w) {
        if (w.state == State.BUSY && !w.inFlight.isEmpty()) {
            PoolTask<?> task = w.inFlight.peek();
            effects.unschedule(task.timeoutTimer);
            killRunning(w, Leaving.UNRESPONSIVE);
            effects.unresponsive(task, w);
        } else if (w.state == State.IDLE || w.state == State.BUSY) {
            workers.retire(w, Leaving.UNRESPONSIVE, maxWorkers);
            dispatch();
        }
    }

    /**
     * The parent could not read a worker's answer to {@code task} within its deadline (a value built
     * to be slow to read, read on the worker's reader thread): the task fails now and the worker is
     * killed and replaced. The task it runs meanwhile fails with it; what was sent ahead runs elsewhere.
     */
    public void onUnreadableReply(WorkerSlot w, PoolTask<?> task) {
        if (w.state == State.DEAD || task.isDone()) {
            return;
        }
        if (w.inFlight.peek() == task) {
            effects.unschedule(task.timeoutTimer);
            killRunning(w, Leaving.UNREADABLE_REPLY);
        } else if (w.state != State.RETIRING) {
            // the task it runs now is lost with it (its exit says why); the ones sent ahead are requeued then
            workers.retire(w, Leaving.UNREADABLE_REPLY, maxWorkers);
            dispatch();
        } else if (!w.leaving.kill) {
            effects.kill(w);
        }
        effects.unreadable(task, w);
    }

    /** Retires workers idle for longer than the idle timeout, keeping the spares. */
    public void onIdleTick() {
        workers.retireIdle(clock.getAsLong(), config.idleTimeout().toNanos(), spares(), maxWorkers);
    }

    /** A native-memory leak was found between tasks: an idle worker is recycled now, a busy one after its task. */
    public void onNativeLeak(WorkerSlot w, String leak) {
        workers.recycleIfIdle(w, leak, maxWorkers);
    }

    /** A slot for a start-up cache recorder ({@code null} once the pool stops): no task, not counted, leaves when ready. */
    public WorkerSlot newRecorder() {
        return state == PoolState.RUNNING ? workers.newRecorder(maxWorkers) : null;
    }

    // ------------------------------------------------------------------ phases

    /** Kills a worker over the task it runs (already answered for); what was sent ahead to it runs elsewhere. */
    private void killRunning(WorkerSlot w, Leaving why) {
        w.inFlight.poll();
        dispatcher.requeue(w);
        workers.retire(w, why, maxWorkers);
        dispatch();
    }

    /** Tasks meet workers; spares are kept only while the pool runs. */
    private void dispatch() {
        boolean running = state == PoolState.RUNNING;
        dispatcher.dispatch(maxWorkers, running ? spares() : 0, running ? config.spares() : 0);
        workers.launchWaiting();
    }

    /** Idle workers to keep started beyond the busy ones. */
    private int spares() {
        return keepFull ? maxWorkers : config.spares();
    }

    /** The pool shuts down and no task waits: idle workers may leave. */
    private boolean drained() {
        return state != PoolState.RUNNING && queue.isEmpty();
    }

    /** Counts a failed start, backs off, and returns the waiting tasks to fail if no worker is left to run them. */
    private List<PoolTask<?>> recordStartupFailure(WorkerStartupException error) {
        backoff.failed(error);
        if (!workers.noneStaying()) {
            return List.of();
        }
        // Nobody can run the waiting tasks now: fail them rather than let them hang.
        List<PoolTask<?>> failed = new ArrayList<>(queue);
        queue.clear();
        if (state == PoolState.RUNNING) {
            backoff.scheduleProbe();
        }
        return failed;
    }

    private void scheduleRetry() {
        if (state != PoolState.TERMINATED) {
            backoff.scheduleRetry();
        }
    }

    private void checkTerminated() {
        if (state == PoolState.SHUTTING_DOWN && workers.isEmpty() && queue.isEmpty()) {
            state = PoolState.TERMINATED;
            effects.terminated();
        }
    }
}
