package dev.loky.pool;

import dev.loky.PoolConfig;
import dev.loky.RestartReason;
import dev.loky.WorkerStartupException;
import dev.loky.pool.WorkerSlot.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The pool's state machine: the queue, the worker slots, dispatch and send-ahead, requeue, retire,
 * back-off and shutdown. Events come in as method calls (submitted, ready, replied, exited, timer
 * fired, cancelled, resized, idle tick, shutdown); what they imply goes out through {@link Effects}
 * (start a worker, send a task, kill a worker, fail a future, schedule a timer).
 *
 * <p>Concurrency: not thread-safe. It has no thread, no I/O and no clock of its own (time comes
 * from the {@link LongSupplier} it is given); its owner calls it under one lock, and an
 * {@link Effects} implementation must not block or call back into it (the pool collects the I/O
 * and runs it after releasing the lock). Tests drive it directly, single-threaded.
 *
 * <p>A worker may hold several tasks: the first runs, the rest were sent ahead (only when tasks are
 * short, see {@link #PREFETCH_BELOW_NANOS}). A worker known to be leaving never gets a new task,
 * and tasks sent ahead to one that leaves are put back at the front of the queue.
 */
final class Scheduler {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    static final long MAX_BACKOFF_MILLIS = 10_000;
    /** Tasks shorter than this on average are sent ahead to busy workers. */
    static final long PREFETCH_BELOW_NANOS = 1_000_000;
    /** At most this many tasks are in flight on one worker. */
    static final int PREFETCH_DEPTH = 8;
    static final long RETIRE_KILL_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A recorder writes the start-up cache as it exits, which can take a while. */
    static final long RECORDER_KILL_AFTER_NANOS = TimeUnit.SECONDS.toNanos(120);

    enum PoolState { RUNNING, SHUTTING_DOWN, TERMINATED }

    /** What the scheduler asks of the world. Called while the owner holds its lock: no blocking. */
    interface Effects {
        /** Start the process of a new (non-recorder) worker slot. */
        void launch(WorkerSlot w);

        /** Send a task to a worker; sends to one worker must reach it in call order. */
        void send(WorkerSlot w, PoolTask<?> task);

        /** Tell a worker to interrupt (or skip) a task. */
        void sendCancel(WorkerSlot w, PoolTask<?> task);

        /** Ask a worker to exit when it can. */
        void stop(WorkerSlot w);

        /** Kill a worker's process (SIGKILL); harmless if it already exited. */
        void kill(WorkerSlot w);

        /** Call {@link #onTimer} with this timer after its delay. */
        void schedule(Timer timer);

        /** A timer no longer needed; it may still fire, and is then ignored. */
        void unschedule(Timer timer);

        /** Cancel a task's future (shutdownNow). */
        void cancelFuture(PoolTask<?> task);

        /** Fail a task's future with a timeout; its worker is being killed. */
        void timedOut(PoolTask<?> task, WorkerSlot w);

        /** A worker that answered without a heap leak may be checked for native growth now. */
        void memoryCheckDue(WorkerSlot w);

        /** The pool has terminated: no worker, no task left. */
        void terminated();
    }

    /** A delayed event; stale timers (their worker or task moved on) are ignored when they fire. */
    static final class Timer {
        enum Kind { STARTUP, TASK_TIMEOUT, CANCEL_GRACE, KILL, RETRY, PROBE }

        final Kind kind;
        final WorkerSlot worker;
        final PoolTask<?> task;
        final long delayNanos;
        /** The owner's handle (a {@code ScheduledFuture}); the scheduler never reads it. */
        volatile Object handle;

        Timer(Kind kind, WorkerSlot worker, PoolTask<?> task, long delayNanos) {
            this.kind = kind;
            this.worker = worker;
            this.task = task;
            this.delayNanos = delayNanos;
        }

        @Override
        public String toString() {
            return kind + (worker == null ? "" : " " + worker) + (task == null ? "" : " " + task);
        }
    }

    /**
     * What a worker's exit meant: the task it was running (to fail), why it left, and for a failed
     * start the error and the tasks that failed with it.
     */
    record Departure(PoolTask<?> lost, Leaving why, WorkerStartupException startupError,
            List<PoolTask<?>> failedWithStartup) {

        static final Departure NOTHING = new Departure(null, null, null, List.of());
    }

    private final PoolConfig config;
    private final LongSupplier clock;
    private final Effects effects;
    private final PoolCounters counters;

    private PoolState state = PoolState.RUNNING;
    private int maxWorkers;
    private final ArrayDeque<PoolTask<?>> queue = new ArrayDeque<>();
    private final List<WorkerSlot> workers = new ArrayList<>();
    private int nextWorkerId = 1;
    /** Mean run time of recent tasks (exponentially weighted), 0 until one finished. */
    private long meanTaskNanos;
    private int consecutiveStartupFailures;
    private long spawnNotBeforeNanos;
    private boolean retryScheduled;
    private boolean probeScheduled;
    /** Why recent workers went, not yet told to a replacement (oldest first). */
    private final ArrayDeque<RestartReason> unreplaced = new ArrayDeque<>();
    private WorkerStartupException lastStartupError;

    Scheduler(PoolConfig config, LongSupplier clock, Effects effects, PoolCounters counters) {
        this.config = config;
        this.clock = clock;
        this.effects = effects;
        this.counters = counters;
        this.maxWorkers = config.maxWorkers();
    }

    // ------------------------------------------------------------------ reading state

    PoolState state() {
        return state;
    }

    int maxWorkers() {
        return maxWorkers;
    }

    /** Queued tasks, counting those sent ahead to a worker but not started. */
    int queued() {
        int queued = queue.size();
        for (WorkerSlot w : workers) {
            queued += Math.max(0, w.inFlight.size() - 1);
        }
        return queued;
    }

    /** The live slots, recorders included. */
    List<WorkerSlot> workers() {
        return List.copyOf(workers);
    }

    WorkerStartupException lastStartupError() {
        return lastStartupError;
    }

    int consecutiveStartupFailures() {
        return consecutiveStartupFailures;
    }

    // ------------------------------------------------------------------ events

    /** A new task; {@code false} (and nothing changed) once the pool is shut down. */
    boolean submit(PoolTask<?> task) {
        if (state != PoolState.RUNNING) {
            return false;
        }
        counters.submitted.incrementAndGet();
        queue.add(task);
        dispatch();
        return true;
    }

    void resize(int newMax) {
        maxWorkers = newMax;
        int excess = countActive() - newMax;
        // Idle workers go first, then ones still starting, then busy ones after their tasks.
        for (State s : new State[] {State.IDLE, State.STARTING, State.BUSY}) {
            for (WorkerSlot w : List.copyOf(workers)) {
                if (excess <= 0) {
                    break;
                }
                if (!w.recorder && w.state == s && w.leavesAfterTasks == null) {
                    if (s == State.BUSY) {
                        w.leavesAfterTasks = Leaving.RESIZE;
                    } else {
                        retire(w, s == State.STARTING ? Leaving.KILLED : Leaving.RESIZE);
                    }
                    excess--;
                }
            }
        }
        dispatch();
    }

    void prestart() {
        while (state == PoolState.RUNNING && countActive() < maxWorkers) {
            spawn();
        }
    }

    void shutdown() {
        if (state != PoolState.RUNNING) {
            return;
        }
        state = PoolState.SHUTTING_DOWN;
        if (queue.isEmpty()) {
            retireAllIdle();
        }
        checkTerminated();
    }

    void shutdownNow() {
        if (state == PoolState.TERMINATED) {
            return;
        }
        state = PoolState.SHUTTING_DOWN;
        List<PoolTask<?>> pending = new ArrayList<>(queue);
        queue.clear();
        for (WorkerSlot w : workers) {
            pending.addAll(w.inFlight);
            w.inFlight.clear();
            if (w.state != State.DEAD) {
                w.state = State.RETIRING;
                w.leaving = Leaving.KILLED;
                effects.kill(w);
            }
        }
        for (PoolTask<?> task : pending) {
            effects.cancelFuture(task);
        }
        checkTerminated();
    }

    /** A worker reported ready; {@code true} when it joins the pool (not a recorder, not stopped meanwhile). */
    boolean onReady(WorkerSlot w) {
        if (w.state != State.STARTING) {
            return false;
        }
        effects.unschedule(w.startupTimer);
        if (w.recorder) {
            retire(w, Leaving.RECORDED);
            return false;
        }
        w.state = State.IDLE;
        w.idleSinceNanos = clock.getAsLong();
        consecutiveStartupFailures = 0;
        spawnNotBeforeNanos = 0;
        if (state != PoolState.RUNNING && queue.isEmpty()) {
            retire(w, Leaving.SHUTDOWN);
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
    PoolTask<?> onReply(WorkerSlot w, long taskId, String leak, boolean outOfMemory) {
        PoolTask<?> t = w.inFlight.peek();
        if (t == null || t.id != taskId) {
            return null;
        }
        w.inFlight.poll();
        w.tasksDone++;
        long ran = clock.getAsLong() - w.headStartedNanos;
        meanTaskNanos = meanTaskNanos == 0 ? ran : (meanTaskNanos * 7 + ran) / 8;
        effects.unschedule(t.timeoutTimer);
        if (w.cancelGrace != null && w.cancelGrace.task == t) {
            effects.unschedule(w.cancelGrace);
            w.cancelGrace = null;
        }
        if (w.state == State.BUSY) {
            if (outOfMemory) {
                requeue(w);
                retire(w, Leaving.OUT_OF_MEMORY);
            } else {
                afterTask(w, leak);
            }
        }
        if (leak == null && w.state != State.RETIRING && w.state != State.DEAD) {
            effects.memoryCheckDue(w);
        }
        dispatch();
        if (state != PoolState.RUNNING && queue.isEmpty()) {
            retireAllIdle();
        }
        return t;
    }

    private void afterTask(WorkerSlot w, String leak) {
        if (w.leavesAfterTasks == null) {
            if (config.workerMaxTasks() > 0 && w.tasksDone >= config.workerMaxTasks()) {
                log.info("{} ran {} tasks (workerMaxTasks); recycling it", w, w.tasksDone);
                w.leavesAfterTasks = Leaving.MAX_TASKS;
            } else if (leak != null) {
                logLeak(w, leak);
                w.leavesAfterTasks = Leaving.MEMORY_LEAK;
            }
        }
        if (!w.inFlight.isEmpty()) {
            startHead(w);
        } else if (w.leavesAfterTasks != null) {
            retire(w, w.leavesAfterTasks);
        } else if (state != PoolState.RUNNING && queue.isEmpty()) {
            retire(w, Leaving.SHUTDOWN);
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
    Departure onExit(WorkerSlot w, Function<Boolean, WorkerStartupException> startupError) {
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
            requeue(w);
            Leaving why = leaving == null ? Leaving.CRASHED : leaving;
            w.leaving = why;
            if (why.isCrash()) {
                counters.crashes.incrementAndGet();
            }
            if (why.restart != null) {
                counters.restarted(why.restart);
                if (leaving == null) {
                    noteReplacement(why.restart); // a planned departure noted it when it was decided
                }
                if (state == PoolState.RUNNING && countActive() < maxWorkers) {
                    spawn();
                }
            }
            departure = new Departure(lost, why, null, List.of());
        }
        dispatch();
        checkTerminated();
        return departure;
    }

    /** The caller cancelled a task's future. */
    void onCancel(PoolTask<?> task) {
        WorkerSlot w = task.worker;
        if (w == null) {
            if (queue.remove(task) && state != PoolState.RUNNING && queue.isEmpty()) {
                retireAllIdle();
                checkTerminated();
            }
            return;
        }
        if (w.inFlight.contains(task)) {
            // The worker interrupts it if it runs, or skips it when it comes to it.
            effects.sendCancel(w, task);
            if (w.inFlight.peek() == task) {
                effects.unschedule(task.timeoutTimer);
                startCancelGrace(w, task);
            }
        }
    }

    void onTimer(Timer timer) {
        WorkerSlot w = timer.worker;
        switch (timer.kind) {
            case STARTUP -> {
                if (w.state == State.STARTING && w.startupTimer == timer) {
                    w.state = State.RETIRING;
                    w.leaving = Leaving.STARTUP_TIMEOUT;
                    effects.kill(w);
                }
            }
            case TASK_TIMEOUT -> {
                PoolTask<?> task = timer.task;
                if (w.inFlight.peek() == task && !task.isDone() && task.timeoutTimer == timer) {
                    w.inFlight.poll();
                    requeue(w);
                    retire(w, Leaving.TIMEOUT);
                    dispatch();
                    effects.timedOut(task, w);
                }
            }
            case CANCEL_GRACE -> {
                if (w.inFlight.peek() == timer.task && w.cancelGrace == timer) {
                    log.warn("{} ignored its interrupt for {}; killing {}", timer.task, config.cancelGracePeriod(), w);
                    w.inFlight.poll();
                    requeue(w);
                    retire(w, Leaving.CANCEL_IGNORED);
                    dispatch();
                }
            }
            case KILL -> {
                if (w.state != State.DEAD) {
                    effects.kill(w);
                }
            }
            case RETRY -> {
                retryScheduled = false;
                dispatch();
            }
            case PROBE -> {
                probeScheduled = false;
                if (state == PoolState.RUNNING && noWorkerStaying() && consecutiveStartupFailures > 0) {
                    spawn();
                }
            }
        }
    }

    /** Retires workers idle for longer than the idle timeout. */
    void onIdleTick() {
        long limit = config.idleTimeout().toNanos();
        long now = clock.getAsLong();
        for (WorkerSlot w : List.copyOf(workers)) {
            if (w.state == State.IDLE && now - w.idleSinceNanos >= limit) {
                log.debug("{} idle for {}; retiring it", w, config.idleTimeout());
                retire(w, Leaving.IDLE);
            }
        }
    }

    /** A native-memory leak was found between tasks: an idle worker is recycled now, a busy one after its task. */
    void onNativeLeak(WorkerSlot w, String leak) {
        if (w.state == State.IDLE) {
            logLeak(w, leak);
            retire(w, Leaving.MEMORY_LEAK);
        }
    }

    /**
     * A slot for a worker that records the start-up cache, or {@code null} once the pool stops. It
     * takes no task, does not count against {@code maxWorkers}, and leaves as soon as it is ready.
     */
    WorkerSlot newRecorder() {
        if (state != PoolState.RUNNING) {
            return null;
        }
        WorkerSlot recorder = new WorkerSlot(nextWorkerId++, true, null, maxWorkers, clock.getAsLong());
        register(recorder);
        return recorder;
    }

    // ------------------------------------------------------------------ phases

    /** Hands queued tasks to idle workers, starts workers for what is left, then sends ahead. */
    private void dispatch() {
        while (!queue.isEmpty()) {
            WorkerSlot idle = firstIdle();
            if (idle == null) {
                break;
            }
            PoolTask<?> task = queue.poll();
            if (task.isDone()) {
                continue; // cancelled while queued
            }
            assign(idle, task);
        }
        int waiting = queue.size();
        int starting = countStarting();
        while (waiting > starting && countActive() < maxWorkers) {
            if (clock.getAsLong() < spawnNotBeforeNanos) {
                scheduleRetry();
                break;
            }
            spawn();
            starting++;
        }
        prefetch();
    }

    /**
     * When tasks are short (their mean run time under {@link #PREFETCH_BELOW_NANOS}), a busy worker
     * gets a few queued tasks ahead, so it never waits a round trip between them. Long tasks are
     * never sent ahead: they would wait behind another while a worker may fall idle.
     */
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
    private void startHead(WorkerSlot w) {
        PoolTask<?> head = w.inFlight.peek();
        w.headStartedNanos = clock.getAsLong();
        if (head.isCancelled()) {
            // cancelled while it waited in the worker: it is skipped, or interrupted if it started
            startCancelGrace(w, head);
        } else if (head.timeout != null) {
            head.timeoutTimer = schedule(Timer.Kind.TASK_TIMEOUT, w, head, head.timeout.toNanos());
        }
    }

    private void startCancelGrace(WorkerSlot w, PoolTask<?> task) {
        effects.unschedule(w.cancelGrace);
        w.cancelGrace = schedule(Timer.Kind.CANCEL_GRACE, w, task, config.cancelGracePeriod().toNanos());
    }

    /** Puts the tasks a worker will never run back at the front of the queue, in their order. */
    private void requeue(WorkerSlot w) {
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

    private void retire(WorkerSlot w, Leaving why) {
        w.state = State.RETIRING;
        w.leaving = why;
        if (why.restart != null) {
            // its replacement may start before it has exited (for waiting tasks): tell it why
            noteReplacement(why.restart);
        }
        if (why.kill) {
            effects.kill(w);
        } else {
            effects.stop(w);
            schedule(Timer.Kind.KILL, w, null, w.recorder ? RECORDER_KILL_AFTER_NANOS : RETIRE_KILL_AFTER_NANOS);
        }
    }

    private void retireAllIdle() {
        for (WorkerSlot w : List.copyOf(workers)) {
            if (w.state == State.IDLE) {
                retire(w, Leaving.SHUTDOWN);
            } else if (w.state == State.STARTING) {
                retire(w, Leaving.KILLED);
            }
        }
    }

    private void spawn() {
        WorkerSlot w = new WorkerSlot(nextWorkerId++, false, unreplaced.poll(), maxWorkers, clock.getAsLong());
        register(w);
        effects.launch(w);
    }

    private void register(WorkerSlot w) {
        workers.add(w);
        w.startupTimer = schedule(Timer.Kind.STARTUP, w, null, config.startupTimeout().toNanos());
    }

    /** Remembers why a worker went, for the next worker started (shown as its last restart reason). */
    private void noteReplacement(RestartReason reason) {
        if (unreplaced.size() >= maxWorkers) {
            unreplaced.poll();
        }
        unreplaced.add(reason);
    }

    /** Counts a failed start, backs off, and returns the waiting tasks to fail if no worker is left to run them. */
    private List<PoolTask<?>> recordStartupFailure(WorkerStartupException error) {
        counters.startupFailures.incrementAndGet();
        consecutiveStartupFailures++;
        lastStartupError = error;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(20, consecutiveStartupFailures - 1));
        spawnNotBeforeNanos = clock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(backoff);
        if (!noWorkerStaying()) {
            return List.of();
        }
        // Nobody can run the waiting tasks now: fail them rather than let them hang.
        List<PoolTask<?>> failed = new ArrayList<>(queue);
        queue.clear();
        scheduleProbe();
        return failed;
    }

    /**
     * After a start-up failure left the pool without workers, tries again when the back-off has
     * passed, so that the pool recovers, and reports so, as soon as the cause is gone.
     */
    private void scheduleProbe() {
        if (probeScheduled || state != PoolState.RUNNING) {
            return;
        }
        probeScheduled = true;
        schedule(Timer.Kind.PROBE, null, null, Math.max(0, spawnNotBeforeNanos - clock.getAsLong()));
    }

    private void scheduleRetry() {
        if (retryScheduled || state == PoolState.TERMINATED) {
            return;
        }
        retryScheduled = true;
        schedule(Timer.Kind.RETRY, null, null, Math.max(0, spawnNotBeforeNanos - clock.getAsLong()));
    }

    private void checkTerminated() {
        if (state == PoolState.SHUTTING_DOWN && workers.isEmpty() && queue.isEmpty()) {
            state = PoolState.TERMINATED;
            effects.terminated();
        }
    }

    private Timer schedule(Timer.Kind kind, WorkerSlot w, PoolTask<?> task, long delayNanos) {
        Timer timer = new Timer(kind, w, task, delayNanos);
        effects.schedule(timer);
        return timer;
    }

    private WorkerSlot firstIdle() {
        for (WorkerSlot w : workers) {
            if (w.state == State.IDLE && !w.recorder) {
                return w;
            }
        }
        return null;
    }

    private int countStarting() {
        int n = 0;
        for (WorkerSlot w : workers) {
            if (w.state == State.STARTING && !w.recorder) {
                n++;
            }
        }
        return n;
    }

    private int countActive() {
        int n = 0;
        for (WorkerSlot w : workers) {
            if (w.isActive()) {
                n++;
            }
        }
        return n;
    }

    private boolean noWorkerStaying() {
        for (WorkerSlot w : workers) {
            if (w.isStaying()) {
                return false;
            }
        }
        return true;
    }

    /** The one log line of a leak-triggered recycle, with its figures. */
    private static void logLeak(WorkerSlot w, String leak) {
        log.warn("{} leaks memory: {}; recycling it between tasks (nothing is lost)", w, leak);
    }
}
