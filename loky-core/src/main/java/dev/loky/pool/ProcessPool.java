package dev.loky.pool;

import dev.loky.LokyException;
import dev.loky.PoolConfig;
import dev.loky.PoolSnapshot;
import dev.loky.RemoteCallable;
import dev.loky.RemoteWorkerMarker;
import dev.loky.RestartReason;
import dev.loky.StartMethod;
import dev.loky.TaskOutcome;
import dev.loky.TaskSerializationException;
import dev.loky.TaskTimeoutException;
import dev.loky.TerminatedWorkerException;
import dev.loky.WorkerStartupException;
import dev.loky.memory.LeakDetector;
import dev.loky.memory.ResidentMemory;
import dev.loky.pool.WorkerProcess.Retirement;
import dev.loky.pool.WorkerProcess.State;
import dev.loky.protocol.Frame;
import dev.loky.protocol.FrameType;
import dev.loky.protocol.TaskReply;
import dev.loky.protocol.ThrowableDescription;
import dev.loky.protocol.WorkerInit;
import dev.loky.serialization.JavaTaskSerializer;
import dev.loky.worker.WorkerMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The {@link StartMethod#SPAWN} executor: a pool of worker JVMs, each with its own channel.
 *
 * <h2>Concurrency design</h2>
 * All pool state (the queue, the workers' states, the counters) is owned by one lock. Every event
 * (a submit, a worker ready, a reply, a death, a timeout, a cancel, a resize, an idle check) is a
 * short method that runs under that lock, changes state, and collects the I/O it implies (writing a
 * task, sending a shutdown, killing a process, completing a future) as actions that run after the
 * lock is released. No I/O and no user callback ever runs under the lock.
 *
 * <p>Threads: callers serialize their tasks on their own thread and, when a worker is idle, write
 * the task to it themselves; each worker has a reader thread (replies and its death, which it sees
 * as end-of-file on the channel) and a stderr-drain thread; one timer thread runs timeouts, idle
 * checks and start-up retries. A worker holds at most one task, so the parent knows exactly which
 * future a dying worker takes with it, and only that future fails.
 */
public final class ProcessPool extends AbstractProcessExecutor {

    private static final Logger log = LoggerFactory.getLogger(ProcessPool.class);
    private static final Logger workerLog = LoggerFactory.getLogger("dev.loky.worker");

    private static final long RETIRE_KILL_AFTER_SECONDS = 10;
    private static final long RECORDER_KILL_AFTER_SECONDS = 120;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    /** Tasks shorter than this on average are sent ahead to busy workers. */
    private static final long PREFETCH_BELOW_NANOS = 1_000_000;
    /** At most this many tasks are in flight on one worker. */
    private static final int PREFETCH_DEPTH = 8;

    private enum PoolState { RUNNING, SHUTTING_DOWN, TERMINATED }

    private final PoolConfig config;
    private final Listeners listeners;
    private final ClassLoader loader;
    private final byte[] initializer;
    private final Path errorFileDir;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicLong taskIds = new AtomicLong();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition terminated = lock.newCondition();

    // --- guarded by lock ---
    private volatile PoolState state = PoolState.RUNNING;
    private int maxWorkers;
    private final ArrayDeque<PoolTask<?>> queue = new ArrayDeque<>();
    private final List<WorkerProcess> workers = new ArrayList<>();
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
    private long submitted;
    private long crashes;
    private long startupFailures;
    private final Map<RestartReason, Long> restarts = new EnumMap<>(RestartReason.class);
    private final Map<List<String>, StartupCache> startupCaches = new java.util.HashMap<>();
    /** Why the pool was stopped, set by {@link #shutdownNow(String)}; what is left then fails with it. */
    private volatile String abortReason;

    // --- outcome counters (completions happen outside the lock) ---
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();

    public ProcessPool(PoolConfig config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.listeners = new Listeners(config.listeners());
        this.maxWorkers = config.maxWorkers();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        this.loader = context != null ? context : ProcessPool.class.getClassLoader();
        this.initializer = serializeInitializer(config);
        this.errorFileDir = ErrorFiles.directory();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, config.name() + "-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        long idleCheckMillis = Math.max(10, Math.min(1000, config.idleTimeout().toMillis() / 2));
        timer.scheduleWithFixedDelay(this::retireIdleWorkers, idleCheckMillis, idleCheckMillis, TimeUnit.MILLISECONDS);
        if (config.closeOnJvmExit()) {
            ShutdownHook.register(this);
        }
        if (config.memoryLeakProtection()) {
            // OSHI takes a while to initialise: do it now, off every caller's path.
            timer.execute(() -> ResidentMemory.of(ProcessHandle.current().pid()));
        }
        if (config.prestart()) {
            prestart();
        }
    }

    private static byte[] serializeInitializer(PoolConfig config) {
        if (config.initializer() == null) {
            return new byte[0];
        }
        try {
            return config.serializer().serialize(config.initializer());
        } catch (Exception e) {
            throw new IllegalArgumentException("initializer must be serializable (capture only serializable values), but "
                    + config.initializer().getClass().getName() + " could not be serialized: " + e, e);
        }
    }

    // ------------------------------------------------------------------ public API

    @Override
    public <T> CompletableFuture<T> submit(RemoteCallable<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task must not be null");
        checkTimeout(timeout);
        if (state != PoolState.RUNNING) {
            throw rejection();
        }
        long id = taskIds.incrementAndGet();
        Duration effectiveTimeout = timeout != null ? timeout : config.taskTimeout();
        String description = describe(task);
        byte[] payload;
        try {
            payload = config.serializer().serialize(task);
        } catch (Throwable e) {
            PoolTask<T> failedTask = new PoolTask<>(id, null, effectiveTimeout, description, t -> { });
            finish(failedTask, null, new TaskSerializationException(TaskSerializationException.Side.ARGUMENT_IN_PARENT,
                    CapturedValues.describeFailure(task, description, e), e));
            return failedTask;
        }
        PoolTask<T> poolTask = new PoolTask<>(id, payload, effectiveTimeout, description, this::onCancel);
        locked(after -> {
            if (state != PoolState.RUNNING) {
                throw rejection();
            }
            submitted++;
            queue.add(poolTask);
            dispatch(after);
        });
        return poolTask;
    }

    @Override
    protected int parallelism() {
        lock.lock();
        try {
            return maxWorkers;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resize(int newMax) {
        if (newMax <= 0) {
            throw new IllegalArgumentException("maxWorkers must be > 0, but was " + newMax);
        }
        locked(after -> {
            maxWorkers = newMax;
            int excess = countActive() - newMax;
            // Idle workers go first, then ones still starting, then busy ones after their task.
            for (State s : new State[] {State.IDLE, State.STARTING, State.BUSY}) {
                for (WorkerProcess w : List.copyOf(workers)) {
                    if (excess <= 0) {
                        break;
                    }
                    if (w.state == s && w.pendingRetirement == null) {
                        if (s == State.BUSY) {
                            w.pendingRetirement = Retirement.RESIZE;
                        } else {
                            retire(w, s == State.STARTING ? Retirement.KILLED : Retirement.RESIZE, after);
                        }
                        excess--;
                    }
                }
            }
            dispatch(after);
        });
    }

    @Override
    public void prestart() {
        locked(after -> {
            while (state == PoolState.RUNNING && countActive() < maxWorkers) {
                spawn(null, after);
            }
        });
    }

    @Override
    public PoolSnapshot snapshot() {
        List<WorkerProcess> seen;
        PoolSnapshot.Counters counters;
        String poolState;
        int max;
        int queued;
        String startupError;
        List<PoolSnapshot.Worker> entries = new ArrayList<>();
        lock.lock();
        try {
            seen = List.copyOf(workers);
            poolState = state.name();
            max = maxWorkers;
            queued = queue.size();
            for (WorkerProcess w : workers) {
                queued += Math.max(0, w.inFlight.size() - 1); // sent ahead, not started
            }
            startupError = lastStartupError == null ? null : lastStartupError.getMessage();
            Map<String, Long> restartCounts = new LinkedHashMap<>();
            restarts.forEach((reason, n) -> restartCounts.put(reason.tag(), n));
            counters = new PoolSnapshot.Counters(submitted, succeeded.get(), failed.get(), cancelled.get(), crashes,
                    Map.copyOf(restartCounts), startupFailures, consecutiveStartupFailures);
            long now = System.nanoTime();
            for (WorkerProcess w : seen) {
                if (w.recorder) {
                    continue;
                }
                entries.add(new PoolSnapshot.Worker(w.id, w.pid, w.state.name(),
                        w.inFlight.isEmpty() ? null : w.inFlight.peek().toString(), w.tasksDone, -1, w.heapUsedBytes,
                        Duration.ofNanos(now - w.createdNanos), w.replacing == null ? null : w.replacing.tag()));
            }
        } finally {
            lock.unlock();
        }
        // Resident memory is read outside the lock: it asks the operating system.
        List<PoolSnapshot.Worker> withMemory = new ArrayList<>(entries.size());
        for (PoolSnapshot.Worker w : entries) {
            withMemory.add(new PoolSnapshot.Worker(w.id(), w.pid(), w.state(), w.currentTask(), w.tasksDone(),
                    ResidentMemory.of(w.pid()), w.heapUsedBytes(), w.uptime(), w.lastRestartReason()));
        }
        return new PoolSnapshot(poolState, StartMethod.SPAWN, max, queued, List.copyOf(withMemory), counters, startupError);
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public void shutdown() {
        locked(after -> {
            if (state != PoolState.RUNNING) {
                return;
            }
            state = PoolState.SHUTTING_DOWN;
            if (queue.isEmpty()) {
                retireAllIdle(after);
            }
            checkTerminated(after);
        });
    }

    /**
     * Like {@link #shutdownNow()}, but what is left fails rather than being cancelled, each failure
     * ending with {@code reason}: the task a worker is running with a {@link TerminatedWorkerException}
     * naming that worker (which is killed), tasks not started yet with a {@link LokyException}; later
     * submits are rejected with {@code reason}. For owners that stop a pool on their own terms (the
     * JVM shutdown hook, a Spring context after {@code loky.shutdown-timeout}).
     */
    public void shutdownNow(String reason) {
        abortReason = Objects.requireNonNull(reason, "reason must not be null");
        shutdownNow();
    }

    @Override
    public void shutdownNow() {
        locked(after -> {
            if (state == PoolState.TERMINATED) {
                return;
            }
            state = PoolState.SHUTTING_DOWN;
            String reason = abortReason;
            List<PoolTask<?>> pending = new ArrayList<>(queue);
            queue.clear();
            for (WorkerProcess w : workers) {
                PoolTask<?> running = reason == null || w.state == State.DEAD ? null : w.inFlight.poll();
                if (running != null) {
                    TerminatedWorkerException killed = new TerminatedWorkerException(w.name() + " was stopped while running "
                            + running + ": " + reason, w.pid, 137, "SIGKILL", "");
                    after.add(() -> finish(running, null, killed));
                }
                pending.addAll(w.inFlight);
                w.inFlight.clear();
                if (w.state != State.DEAD) {
                    w.state = State.RETIRING;
                    w.retirement = Retirement.KILLED;
                    after.add(w::kill);
                }
            }
            for (PoolTask<?> task : pending) {
                after.add(() -> {
                    if (reason == null) {
                        task.cancel(true);
                    } else {
                        finish(task, null, new LokyException(task + " did not run: " + reason));
                    }
                });
            }
            checkTerminated(after);
        });
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (state != PoolState.TERMINATED) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = terminated.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isShutdown() {
        return state != PoolState.RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return state == PoolState.TERMINATED;
    }

    @Override
    public String toString() {
        return "ProcessPool[" + config.name() + ", " + state + "]";
    }

    // ------------------------------------------------------------------ events (each runs under the lock)

    /** Queue work: hand queued tasks to idle workers, then start workers for what is left. */
    private void dispatch(List<Runnable> after) {
        while (!queue.isEmpty()) {
            WorkerProcess idle = firstIn(State.IDLE);
            if (idle == null) {
                break;
            }
            PoolTask<?> task = queue.poll();
            if (task.isDone()) {
                continue; // cancelled while queued
            }
            assign(idle, task, after);
        }
        int waiting = queue.size();
        int starting = count(State.STARTING);
        while (waiting > starting && countActive() < maxWorkers) {
            if (System.nanoTime() < spawnNotBeforeNanos) {
                scheduleRetry();
                break;
            }
            spawn(null, after);
            starting++;
        }
        prefetch(after);
    }

    /**
     * When tasks are short (their mean run time under {@link #PREFETCH_BELOW_NANOS}), a busy worker
     * gets a few queued tasks ahead, so it never waits a round trip between them. Long tasks are
     * never sent ahead: they would wait behind another while a worker may fall idle.
     */
    private void prefetch(List<Runnable> after) {
        if (queue.isEmpty() || meanTaskNanos == 0 || meanTaskNanos > PREFETCH_BELOW_NANOS) {
            return;
        }
        while (!queue.isEmpty()) {
            WorkerProcess target = null;
            for (WorkerProcess w : workers) {
                if (w.state == State.BUSY && w.pendingRetirement == null && w.inFlight.size() < PREFETCH_DEPTH
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
                assign(target, task, after);
            }
        }
    }

    private void assign(WorkerProcess w, PoolTask<?> task, List<Runnable> after) {
        w.state = State.BUSY;
        w.inFlight.add(task);
        task.worker = w;
        if (w.inFlight.size() == 1) {
            startHead(w);
        }
        w.enqueue(FrameType.TASK, task.id, task.payload);
        after.add(w::flush);
    }

    /** The worker's first in-flight task starts running now: its timeout starts now too. */
    private void startHead(WorkerProcess w) {
        PoolTask<?> head = w.inFlight.peek();
        w.headStartedNanos = System.nanoTime();
        if (head.isCancelled()) {
            // cancelled while it waited in the worker: it is skipped, or interrupted if it started
            startCancelGrace(w, head);
        } else if (head.timeout != null) {
            head.timeoutCheck = schedule(() -> onTimeout(w, head), head.timeout.toNanos());
        }
    }

    /** Puts tasks a worker will never run back at the front of the queue, in their order. */
    private void requeue(WorkerProcess w) {
        PoolTask<?>[] notStarted = w.inFlight.toArray(new PoolTask<?>[0]);
        w.inFlight.clear();
        for (int i = notStarted.length - 1; i >= 0; i--) {
            PoolTask<?> t = notStarted[i];
            cancel(t.timeoutCheck);
            t.worker = null;
            if (!t.isDone()) {
                queue.addFirst(t);
            }
        }
    }

    /** Remembers why a worker went, for the next worker started (shown as its last restart reason). */
    private void noteReplacement(RestartReason reason) {
        if (unreplaced.size() >= maxWorkers) {
            unreplaced.poll();
        }
        unreplaced.add(reason);
    }

    private void spawn(RestartReason replacing, List<Runnable> after) {
        if (replacing == null) {
            replacing = unreplaced.poll();
        }
        WorkerProcess w = new WorkerProcess(nextWorkerId++, replacing, false, config.memoryLeakProtection()
                ? new LeakDetector(config.memoryLeakThresholdBytes(), config.memoryCheckInterval().toMillis()) : null);
        List<String> command = WorkerCommand.build(config, maxWorkers, errorFileDir);
        StartupCache cache = startupCache(command);
        List<String> flags = List.of();
        if (cache != null) {
            StartupCache.Recording[] recording = new StartupCache.Recording[1];
            flags = cache.jvmArgs(recording);
            if (recording[0] != null) {
                spawnRecorder(cache, recording[0], command, after);
                flags = List.of();
            }
        }
        start(w, withFlags(command, flags), after);
    }

    /**
     * Starts a worker that only records the start-up cache: it boots like any worker (initializer
     * included), is told to exit as soon as it is ready, and writes the cache as it exits cleanly.
     * It takes no task, does not count against {@code maxWorkers}, and is not shown in snapshots, so
     * recording never delays or disturbs the pool's own workers.
     */
    private void spawnRecorder(StartupCache cache, StartupCache.Recording recording, List<String> command,
            List<Runnable> after) {
        WorkerProcess recorder = new WorkerProcess(nextWorkerId++, null, true, null);
        recorder.startupCache = cache;
        recorder.startupCacheRecording = recording;
        start(recorder, withFlags(command, cache.recordingFlags(recording)), after);
    }

    private void start(WorkerProcess w, List<String> command, List<Runnable> after) {
        w.heapCap = OutOfMemory.heapCap(command);
        workers.add(w);
        w.startupCheck = schedule(() -> onStartupTimeout(w), config.startupTimeout().toNanos());
        after.add(() -> launch(w, command));
    }

    private StartupCache startupCache(List<String> command) {
        if (config.startupCacheDir() == null) {
            return null;
        }
        return startupCaches.computeIfAbsent(command, c -> StartupCache.forCommand(config.startupCacheDir(),
                config.javaHome() != null ? config.javaHome() : Path.of(System.getProperty("java.home")), c));
    }

    /** The command with JVM flags inserted before its classpath and main class. */
    private static List<String> withFlags(List<String> command, List<String> flags) {
        if (flags.isEmpty()) {
            return command;
        }
        List<String> withFlags = new ArrayList<>(command);
        withFlags.addAll(command.size() - 3, flags);
        return withFlags;
    }

    private void onReady(WorkerProcess w) {
        Duration startup = Duration.ofNanos(System.nanoTime() - w.createdNanos);
        boolean ready = lockedGet(after -> {
            if (w.state != State.STARTING) {
                return false;
            }
            cancel(w.startupCheck);
            if (w.recorder) {
                retire(w, Retirement.RECORDED, after);
                return false;
            }
            w.state = State.IDLE;
            w.idleSinceNanos = System.nanoTime();
            consecutiveStartupFailures = 0;
            spawnNotBeforeNanos = 0;
            if (state != PoolState.RUNNING && queue.isEmpty()) {
                retire(w, Retirement.SHUTDOWN, after);
            }
            dispatch(after);
            return true;
        });
        if (ready) {
            log.info("{} ready in {} ms", w.name(), startup.toMillis());
            listeners.fire(l -> l.workerStarted(w.pid, startup));
        }
    }

    /** Handle a result: free the worker (and give it the next task) first, then complete the future. */
    private void onReply(WorkerProcess w, Frame frame) {
        TaskReply reply;
        try {
            reply = TaskReply.decode(frame.payload());
        } catch (IOException e) {
            log.error("{} sent a malformed reply; killing it", w.name(), e);
            w.kill();
            return;
        }
        w.heapUsedBytes = reply.heapUsedBytes();
        String leak = w.leak == null ? null : w.leak.afterTask(reply.heapCommittedBytes(), reply.liveHeapBytes());
        PoolTask<?> task = lockedGet(after -> {
            PoolTask<?> t = w.inFlight.peek();
            if (t == null || t.id != frame.id()) {
                return null; // a reply to a task that timed out or was handed back: ignore
            }
            w.inFlight.poll();
            w.tasksDone++;
            long ran = System.nanoTime() - w.headStartedNanos;
            meanTaskNanos = meanTaskNanos == 0 ? ran : (meanTaskNanos * 7 + ran) / 8;
            cancel(t.timeoutCheck);
            if (w.cancelGrace != null && w.cancelGraceTask == t) {
                cancel(w.cancelGrace);
                w.cancelGrace = null;
            }
            if (w.state == State.BUSY) {
                if (w.pendingRetirement == null) {
                    if (config.workerMaxTasks() > 0 && w.tasksDone >= config.workerMaxTasks()) {
                        log.info("{} ran {} tasks (workerMaxTasks); recycling it", w.name(), w.tasksDone);
                        w.pendingRetirement = Retirement.MAX_TASKS;
                    } else if (leak != null) {
                        logLeak(w, leak);
                        w.pendingRetirement = Retirement.MEMORY_LEAK;
                    }
                }
                if (!w.inFlight.isEmpty()) {
                    startHead(w);
                } else if (w.pendingRetirement != null) {
                    retire(w, w.pendingRetirement, after);
                } else if (state != PoolState.RUNNING && queue.isEmpty()) {
                    retire(w, Retirement.SHUTDOWN, after);
                } else {
                    w.state = State.IDLE;
                    w.idleSinceNanos = System.nanoTime();
                }
            }
            if (leak == null && w.leak != null && w.state != State.RETIRING && w.leak.residentCheckDue()) {
                after.add(() -> schedule(() -> checkResidentMemory(w), 0));
            }
            dispatch(after);
            if (state != PoolState.RUNNING && queue.isEmpty()) {
                retireAllIdle(after);
            }
            return t;
        });
        if (task == null || task.isDone()) {
            return;
        }
        switch (frame.type()) {
            case RESULT -> completeWithValue(task, reply);
            case TASK_ERROR -> finish(task, null, OutOfMemory.wrap(rebuildException(reply, w.pid), w, task));
            case SERIALIZATION_ERROR -> {
                TaskSerializationException.Side side = TaskSerializationException.Side.values()[reply.side()];
                ThrowableDescription cause = readDescription(reply);
                finish(task, null, new TaskSerializationException(side, task.description + ": " + side.describe()
                        + " (" + w.name() + "): " + cause, cause == null ? null : cause.toException()));
            }
            default -> throw new IllegalStateException("not a reply: " + frame.type());
        }
    }

    /** Handle a death: fail the task it held (if any), count it, replace it, and check termination. */
    private void onExit(WorkerProcess w, int exitCode) {
        if (w.startupCacheRecording != null) {
            w.startupCache.recorded(w.startupCacheRecording, exitCode);
            w.startupCacheRecording = null;
        }
        String output = w.outputTail();
        List<PoolTask<?>> failedWithStartup = new ArrayList<>();
        WorkerStartupException[] startupError = new WorkerStartupException[1];
        PoolTask<?>[] lost = new PoolTask<?>[1];
        RestartReason[] restarted = new RestartReason[1];
        boolean[] crashed = new boolean[1];
        locked(after -> {
            if (w.state == State.DEAD) {
                return;
            }
            State was = w.state;
            Retirement retirement = w.retirement;
            w.state = State.DEAD;
            workers.remove(w);
            cancel(w.startupCheck);
            cancel(w.cancelGrace);
            if (w.recorder) {
                // a failed recording is not a pool failure: the pool's own workers say if they cannot start
                checkTerminated(after);
                return;
            }
            if (was == State.STARTING || (was == State.RETIRING && w.tasksDone == 0 && retirement == Retirement.STARTUP_TIMEOUT)) {
                if (retirement != Retirement.KILLED) {
                    startupError[0] = startupFailure(w, exitCode, output, retirement == Retirement.STARTUP_TIMEOUT);
                    recordStartupFailure(startupError[0], failedWithStartup);
                }
            } else {
                lost[0] = w.inFlight.poll();
                if (lost[0] != null) {
                    cancel(lost[0].timeoutCheck);
                }
                requeue(w);
                if (retirement == null) {
                    crashes++;
                    crashed[0] = true;
                    restarted[0] = RestartReason.CRASH;
                } else {
                    restarted[0] = retirement.restart;
                }
                if (restarted[0] != null) {
                    restarts.merge(restarted[0], 1L, Long::sum);
                    if (retirement == null) {
                        noteReplacement(restarted[0]);
                    }
                    if (state == PoolState.RUNNING && countActive() < maxWorkers) {
                        spawn(null, after);
                    }
                }
            }
            dispatch(after);
            checkTerminated(after);
        });
        if (crashed[0]) {
            log.warn("{} died: {}", w.name(), ExitStatus.describe(exitCode));
            listeners.fire(l -> l.workerCrashed(w.pid, exitCode));
        }
        if (restarted[0] != null) {
            listeners.fire(l -> l.workerRestarted(restarted[0]));
        }
        if (lost[0] != null) {
            finish(lost[0], null, exitCode == WorkerMain.EXIT_AFTER_OUT_OF_MEMORY
                    ? OutOfMemory.afterExit(w, lost[0], output) : terminated(w, exitCode, lost[0], output));
        }
        if (startupError[0] != null) {
            log.error(startupError[0].getMessage());
            listeners.fire(l -> l.workerStartupFailed(startupError[0]));
            for (PoolTask<?> t : failedWithStartup) {
                finish(t, null, startupError[0]);
            }
        }
    }

    private void recordStartupFailure(WorkerStartupException error, List<PoolTask<?>> failTasks) {
        startupFailures++;
        consecutiveStartupFailures++;
        lastStartupError = error;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(20, consecutiveStartupFailures - 1));
        spawnNotBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
        boolean anyWorkerLeft = workers.stream().anyMatch(x -> !x.recorder && x.state != State.DEAD && x.state != State.RETIRING);
        if (!anyWorkerLeft) {
            // Nobody can run the waiting tasks now: fail them rather than let them hang.
            failTasks.addAll(queue);
            queue.clear();
            scheduleProbe();
        }
    }

    /**
     * After a start-up failure left the pool without workers, tries again in the background when
     * the back-off has passed (at most every {@value #MAX_BACKOFF_MILLIS} ms), so that the pool
     * recovers, and reports so, as soon as the cause is gone, without waiting for a task.
     */
    private void scheduleProbe() {
        if (probeScheduled || state != PoolState.RUNNING) {
            return;
        }
        probeScheduled = true;
        schedule(() -> locked(after -> {
            probeScheduled = false;
            boolean anyWorker = workers.stream().anyMatch(w -> !w.recorder && w.state != State.DEAD && w.state != State.RETIRING);
            if (state == PoolState.RUNNING && !anyWorker && consecutiveStartupFailures > 0) {
                spawn(null, after);
            }
        }), Math.max(0, spawnNotBeforeNanos - System.nanoTime()));
    }

    /** Runs on the timer thread: a native leak found while the worker is idle recycles it now, else after its task. */
    private void checkResidentMemory(WorkerProcess w) {
        String leak = w.leak.checkResident(w.pid);
        if (leak != null) {
            locked(after -> {
                if (w.state == State.IDLE) {
                    recycleLeaking(w, leak, after);
                }
            });
        }
    }

    private void recycleLeaking(WorkerProcess w, String leak, List<Runnable> after) {
        logLeak(w, leak);
        retire(w, Retirement.MEMORY_LEAK, after);
    }

    /** The one log line of a leak-triggered recycle, with its figures. */
    private static void logLeak(WorkerProcess w, String leak) {
        log.warn("{} leaks memory: {}; recycling it between tasks (nothing is lost)", w.name(), leak);
    }

    private void onTimeout(WorkerProcess w, PoolTask<?> task) {
        boolean timedOut = lockedGet(after -> {
            if (w.inFlight.peek() != task || task.isDone()) {
                return false;
            }
            w.inFlight.poll();
            requeue(w);
            retire(w, Retirement.TIMEOUT, after);
            dispatch(after);
            return true;
        });
        if (timedOut) {
            log.warn("{} exceeded its timeout of {} on {}; killing the worker", task, task.timeout, w.name());
            finish(task, null, new TaskTimeoutException(task + " did not finish within " + task.timeout + " in "
                    + w.name() + "; the worker was killed and will be replaced", task.timeout));
        }
    }

    private void onCancel(PoolTask<?> task) {
        cancelled.incrementAndGet();
        listeners.fire(l -> l.taskFinished(TaskOutcome.CANCELLED, task.elapsed()));
        locked(after -> {
            if (task.worker == null) {
                queue.remove(task);
                return;
            }
            WorkerProcess w = (WorkerProcess) task.worker;
            if (w.inFlight.contains(task)) {
                // The worker interrupts it if it runs, or skips it when it comes to it.
                after.add(() -> w.send(FrameType.CANCEL, task.id, new byte[0]));
                if (w.inFlight.peek() == task) {
                    cancel(task.timeoutCheck);
                    startCancelGrace(w, task);
                }
            }
        });
    }

    /** A cancelled task still running after the grace period gets its worker killed. */
    private void startCancelGrace(WorkerProcess w, PoolTask<?> task) {
        cancel(w.cancelGrace);
        w.cancelGraceTask = task;
        w.cancelGrace = schedule(() -> onCancelIgnored(w, task), config.cancelGracePeriod().toNanos());
    }

    private void onCancelIgnored(WorkerProcess w, PoolTask<?> task) {
        locked(after -> {
            if (w.inFlight.peek() == task) {
                log.warn("{} ignored its interrupt for {}; killing {}", task, config.cancelGracePeriod(), w.name());
                w.inFlight.poll();
                requeue(w);
                retire(w, Retirement.CANCEL_IGNORED, after);
                dispatch(after);
            }
        });
    }

    private void onStartupTimeout(WorkerProcess w) {
        locked(after -> {
            if (w.state == State.STARTING) {
                w.state = State.RETIRING;
                w.retirement = Retirement.STARTUP_TIMEOUT;
                after.add(w::kill);
            }
        });
    }

    private void retireIdleWorkers() {
        locked(after -> {
            long limit = config.idleTimeout().toNanos();
            long now = System.nanoTime();
            for (WorkerProcess w : workers) {
                if (w.state == State.IDLE && now - w.idleSinceNanos >= limit) {
                    log.debug("{} idle for {}; retiring it", w.name(), config.idleTimeout());
                    retire(w, Retirement.IDLE, after);
                }
            }
        });
    }

    private void scheduleRetry() {
        if (retryScheduled || state == PoolState.TERMINATED) {
            return;
        }
        retryScheduled = true;
        long delay = Math.max(0, spawnNotBeforeNanos - System.nanoTime());
        schedule(() -> locked(after -> {
            retryScheduled = false;
            dispatch(after);
        }), delay);
    }

    // ------------------------------------------------------------------ helpers (under the lock)

    private void retire(WorkerProcess w, Retirement why, List<Runnable> after) {
        w.state = State.RETIRING;
        w.retirement = why;
        if (why.restart != null) {
            // its replacement may start before it has exited (for waiting tasks): tell it why
            noteReplacement(why.restart);
        }
        if (why.kill) {
            after.add(w::kill);
        } else {
            after.add(() -> w.send(FrameType.SHUTDOWN, 0, new byte[0]));
            // a recorder writes the start-up cache as it exits, which can take a while
            schedule(w::kill, TimeUnit.SECONDS.toNanos(w.recorder ? RECORDER_KILL_AFTER_SECONDS : RETIRE_KILL_AFTER_SECONDS));
        }
    }

    private void retireAllIdle(List<Runnable> after) {
        for (WorkerProcess w : workers) {
            if (w.state == State.IDLE) {
                retire(w, Retirement.SHUTDOWN, after);
            } else if (w.state == State.STARTING) {
                retire(w, Retirement.KILLED, after);
            }
        }
    }

    private void checkTerminated(List<Runnable> after) {
        if (state == PoolState.SHUTTING_DOWN && workers.isEmpty() && queue.isEmpty()) {
            state = PoolState.TERMINATED;
            terminated.signalAll();
            after.add(() -> {
                timer.shutdownNow();
                ShutdownHook.unregister(this);
                log.debug("{} terminated", this);
            });
        }
    }

    private RejectedExecutionException rejection() {
        String reason = abortReason;
        return reason == null ? rejected(config.name()) : new RejectedExecutionException(reason);
    }

    private WorkerProcess firstIn(State s) {
        for (WorkerProcess w : workers) {
            if (w.state == s && !w.recorder) {
                return w;
            }
        }
        return null;
    }

    private int count(State s) {
        int n = 0;
        for (WorkerProcess w : workers) {
            if (w.state == s && !w.recorder) {
                n++;
            }
        }
        return n;
    }

    /** Workers that count against {@code maxWorkers}: starting, idle, or busy and staying. */
    private int countActive() {
        int n = 0;
        for (WorkerProcess w : workers) {
            if (w.recorder) {
                continue;
            }
            if (w.state == State.STARTING || w.state == State.IDLE || (w.state == State.BUSY && w.pendingRetirement == null)) {
                n++;
            }
        }
        return n;
    }

    /** Runs {@code action} on the timer after {@code nanos}; nothing once the pool has terminated. */
    private java.util.concurrent.ScheduledFuture<?> schedule(Runnable action, long nanos) {
        try {
            return timer.schedule(action, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // terminated: nothing left to time
        }
    }

    private static void cancel(java.util.concurrent.ScheduledFuture<?> check) {
        if (check != null) {
            check.cancel(false);
        }
    }

    private void locked(Consumer<List<Runnable>> body) {
        lockedGet(after -> {
            body.accept(after);
            return null;
        });
    }

    private <R> R lockedGet(java.util.function.Function<List<Runnable>, R> body) {
        List<Runnable> after = new ArrayList<>(2);
        R result;
        lock.lock();
        try {
            result = body.apply(after);
        } finally {
            lock.unlock();
        }
        for (Runnable action : after) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.error("loky pool action failed", e);
            }
        }
        return result;
    }

    // ------------------------------------------------------------------ worker I/O (no lock)

    private void launch(WorkerProcess w, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.directory((config.workingDirectory() != null ? config.workingDirectory()
                : Path.of(System.getProperty("user.dir"))).toFile());
        builder.environment().putAll(config.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            w.addStderr("could not start " + command.get(0) + ": " + e);
            onExit(w, -1);
            return;
        }
        w.attach(process);
        Thread stderr = new Thread(() -> drainStderr(w, process), config.name() + "-worker-" + w.id + "-stderr");
        stderr.setDaemon(true);
        stderr.start();
        Thread reader = new Thread(() -> readReplies(w, process, stderr), config.name() + "-worker-" + w.id + "-reader");
        reader.setDaemon(true);
        reader.start();
        WorkerInit init = new WorkerInit(w.id, ProcessHandle.current().pid(), config.name(),
                config.serializer().getClass().getName(), initializer, config.memoryCheckInterval().toMillis(),
                config.memoryLeakProtection() ? config.memoryLeakThresholdBytes() : 0);
        w.send(FrameType.INIT, 0, init.encode());
    }

    private void readReplies(WorkerProcess w, Process process, Thread stderr) {
        dev.loky.protocol.FrameReader reader = new dev.loky.protocol.FrameReader(process.getInputStream(), line -> {
            w.addStray(line);
            workerLog.warn("[{}] wrote outside the protocol: {}", w.name(), line);
        });
        try {
            while (true) {
                Frame frame = reader.read();
                switch (frame.type()) {
                    case READY -> onReady(w);
                    case STARTUP_FAILED -> w.startupFailure = new String(frame.payload(), java.nio.charset.StandardCharsets.UTF_8);
                    case RESULT, TASK_ERROR, SERIALIZATION_ERROR -> onReply(w, frame);
                    default -> log.warn("{} sent an unexpected {} frame", w.name(), frame.type());
                }
            }
        } catch (java.io.EOFException e) {
            // the worker closed its end: it is exiting
        } catch (IOException e) {
            log.error("{}: channel failed ({}); killing it", w.name(), e.getMessage());
            w.kill();
        } catch (RuntimeException | Error e) {
            log.error("{}: reader failed; killing it", w.name(), e);
            w.kill();
        }
        int exitCode = awaitExit(w, process);
        try {
            stderr.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        onExit(w, exitCode);
    }

    private static int awaitExit(WorkerProcess w, Process process) {
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                log.warn("{} closed its channel but did not exit; killing it", w.name());
                process.destroyForcibly();
                process.waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }

    private void drainStderr(WorkerProcess w, Process process) {
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                w.addStderr(line);
                workerLog.info("[{}-{} pid {}] {}", config.name(), w.id, w.pid, line);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    // ------------------------------------------------------------------ completing futures (no lock)

    private void completeWithValue(PoolTask<?> task, TaskReply reply) {
        Object value;
        try {
            value = config.serializer().deserialize(reply.value(), loader);
        } catch (Throwable e) {
            finish(task, null, new TaskSerializationException(TaskSerializationException.Side.RESULT_IN_PARENT,
                    task.description + ": " + TaskSerializationException.Side.RESULT_IN_PARENT.describe() + ": " + e
                            + ". The result's class must be on the caller's classpath and readable there.", e));
            return;
        }
        finish(task, value, null);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void finish(PoolTask task, Object value, Throwable error) {
        cancel(task.timeoutCheck);
        task.payload = null;
        boolean completed = error == null ? task.complete(value) : task.completeExceptionally(error);
        if (completed) {
            (error == null ? succeeded : failed).incrementAndGet();
            TaskOutcome outcome = PoolTask.outcomeOf(error);
            Duration elapsed = task.elapsed();
            listeners.fire(l -> l.taskFinished(outcome, elapsed));
        }
    }

    private Throwable rebuildException(TaskReply reply, long pid) {
        Throwable error = null;
        if (reply.value().length > 0) {
            try {
                error = (Throwable) config.serializer().deserialize(reply.value(), loader);
            } catch (Throwable e) {
                log.debug("cannot rebuild a remote exception; describing it instead", e);
            }
        }
        if (error == null) {
            ThrowableDescription description = readDescription(reply);
            error = description != null ? description.toException()
                    : new dev.loky.RemoteTaskException("unknown", "the worker's exception could not be read", null, null);
        }
        error.addSuppressed(new RemoteWorkerMarker(pid));
        return error;
    }

    private ThrowableDescription readDescription(TaskReply reply) {
        try {
            return (ThrowableDescription) JavaTaskSerializer.INSTANCE.deserialize(reply.description(), loader);
        } catch (Exception e) {
            return null;
        }
    }

    private TerminatedWorkerException terminated(WorkerProcess w, int exitCode, PoolTask<?> task, String output) {
        String signal = ExitStatus.signalName(exitCode, output);
        String status = ExitStatus.describe(exitCode);
        if (signal != null && !status.contains(signal)) {
            status += " after a fatal " + signal + " in the JVM";
        }
        String message = w.name() + " died with " + status + " while running " + task
                + "; only this task failed and the worker is being replaced."
                + (output.isBlank() ? "" : " Last output of the worker:\n" + output);
        return new TerminatedWorkerException(message, w.pid, exitCode, signal, output);
    }

    private WorkerStartupException startupFailure(WorkerProcess w, int exitCode, String output, boolean timedOut) {
        String why;
        if (timedOut) {
            why = "was not ready within " + config.startupTimeout() + " (raise the startup timeout, or find what it waits for)";
        } else if (w.startupFailure != null) {
            why = "failed in its initializer: " + w.startupFailure.lines().findFirst().orElse("");
        } else {
            why = "exited with " + ExitStatus.describe(exitCode) + " before it was ready";
        }
        String message = w.name() + " could not start: " + why + ". Check the worker JVM arguments "
                + config.jvmArgs() + ", the java home and the classpath."
                + (output.isBlank() ? "" : " Worker output:\n" + output);
        return new WorkerStartupException(message, output, null);
    }

    private static String describe(Object task) {
        if (task instanceof MapChunk<?, ?> chunk) {
            return "map chunk of " + chunk.size() + " items";
        }
        Class<?> type = task.getClass();
        try {
            if (type.getMethod("toString").getDeclaringClass() != Object.class) {
                return task.toString();
            }
        } catch (NoSuchMethodException e) {
            // every class has toString
        }
        String name = type.getName();
        int lambda = name.indexOf("$$Lambda");
        return lambda > 0 ? "lambda in " + name.substring(0, lambda) : name;
    }

}
