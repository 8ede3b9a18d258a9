package dev.loky.internal.pool;

import dev.loky.LokyException;
import dev.loky.PoolConfig;
import dev.loky.PoolSnapshot;
import dev.loky.RemoteCallable;
import dev.loky.StartMethod;
import dev.loky.TaskSerializationException;
import dev.loky.internal.memory.ResidentMemory;
import dev.loky.internal.pool.outcome.CapturedValues;
import dev.loky.internal.pool.outcome.Outcomes;
import dev.loky.internal.pool.process.ClassServer;
import dev.loky.internal.pool.process.WorkerChannel;
import dev.loky.internal.pool.process.WorkerChannels;
import dev.loky.internal.pool.process.WorkerLauncher;
import dev.loky.internal.pool.scheduling.PoolCounters;
import dev.loky.internal.pool.scheduling.PoolLog;
import dev.loky.internal.pool.scheduling.PoolTask;
import dev.loky.internal.pool.scheduling.Scheduler;
import dev.loky.internal.pool.scheduling.Scheduler.PoolState;
import dev.loky.internal.pool.scheduling.WorkerSlot;
import dev.loky.internal.protocol.StreamedValues;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link StartMethod#SPAWN} executor: a pool of worker JVMs, each with its own channel. This
 * class is the facade; the rooms behind it each have one job:
 * <ul>
 *   <li>{@link PoolLock}: the one lock, the scheduler behind it, and the actions each event decided;</li>
 *   <li>{@link Scheduler}: the state machine (queue, worker slots, dispatch, send-ahead, retire,
 *       back-off, shutdown), with no thread, I/O or clock of its own;</li>
 *   <li>{@link PoolEffects}: runs what the scheduler decides (launch, send, kill, timers, failing
 *       futures);</li>
 *   <li>{@link WorkerLauncher}: command line, heap sizing, start-up cache, {@code ProcessBuilder};</li>
 *   <li>{@link WorkerChannel}: one per worker: outbox, reader thread, exit wait, stderr tail;</li>
 *   <li>{@link Outcomes}: decoding replies, rebuilding exceptions, error messages;</li>
 *   <li>{@link PoolCounters}: counters and listener events, shared with {@link ThreadPool}.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * One lock ({@link PoolLock}) guards the scheduler. Every event takes the lock, calls the scheduler, and collects the
 * I/O it decided as actions that run after the lock is released: frames are queued in the
 * channel's outbox under the lock (so they keep the scheduler's order) and written after it;
 * processes are started, killed and futures completed after it. No I/O and no user callback runs
 * under the lock (a worker's command line and the start-up cache are built by the launcher after
 * it). Callers serialize their tasks on their own thread and, when a worker is idle, write the task
 * to it themselves; each worker's reader thread decodes its replies and completes the futures
 * itself; one timer thread runs timeouts, idle checks, start-up retries and probes, kills after a
 * retirement's grace, and the OSHI memory checks. A worker may hold more than one task: one runs,
 * the others were sent ahead when tasks are short (see {@code Dispatcher}).
 */
final class ProcessPool extends AbstractProcessExecutor {

    private static final Logger log = PoolLog.logger();
    /** When OSHI is warmed after the pool's creation: later than a worker's start on a loaded 2-core machine. */
    private static final long OSHI_WARM_UP_DELAY_MILLIS = 2_000;

    private final PoolConfig config;
    private final PoolCounters counters;
    private final Outcomes outcomes;
    /** Classes for workers that cannot load them from their class path (jshell, single-file programs). */
    private final ClassServer classServer;
    private final AtomicLong taskIds = new AtomicLong();
    /** Until the first {@code submit}: see there. Racy on purpose: a second early start is harmless. */
    private volatile boolean firstTask = true;
    /** The one lock, and the scheduler behind it: every scheduler event goes through it. */
    private final PoolLock lock = new PoolLock();
    /** Each launched worker's I/O side; the scheduler's slots hold none. */
    private final WorkerChannels channels = new WorkerChannels();
    /** Why the pool was stopped, set by {@link #abort(String)}; what is left then fails with it. */
    private volatile String abortReason;

    ProcessPool(PoolConfig config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.counters = new PoolCounters(config.listeners());
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = context != null ? context : ProcessPool.class.getClassLoader();
        this.classServer = new ClassServer();
        this.outcomes = new Outcomes(config, classServer.resultLoader(loader), counters);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, config.name() + "-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        ChannelEvents events = new ChannelEvents(lock, channels, config, outcomes, counters, classServer);
        PoolEffects effects = new PoolEffects(lock, channels, () -> abortReason, this::terminated, config, new WorkerLauncher(config), timer,
                outcomes, events);
        lock.bind(new Scheduler(config, System::nanoTime, effects, counters), effects);
        long idleCheckMillis = Math.max(10, Math.min(1000, config.idleTimeout().toMillis() / 2));
        timer.scheduleWithFixedDelay(() -> lock.run(Scheduler::onIdleTick), idleCheckMillis, idleCheckMillis,
                TimeUnit.MILLISECONDS);
        long heartbeatCheckMillis = Math.max(20, Math.min(1000, config.heartbeatTimeout().toMillis() / 4));
        timer.scheduleWithFixedDelay(this::checkHeartbeats, heartbeatCheckMillis, heartbeatCheckMillis, TimeUnit.MILLISECONDS);
        if (config.closeOnJvmExit()) {
            ShutdownHook.register(this);
        }
        if (config.memoryLeakProtection() && ResidentMemory.usesOshi()) {
            // OSHI takes a while to initialise (about 155 OSHI and JNA classes and a native library):
            // do it off every caller's path, and after a cold start's first worker had the CPU to boot.
            timer.schedule(() -> ResidentMemory.of(ProcessHandle.current().pid()), OSHI_WARM_UP_DELAY_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
        if (config.prestart()) {
            prestart();
        }
    }

    @Override
    public <T> CompletableFuture<T> submit(RemoteCallable<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task must not be null");
        checkTimeout(timeout);
        if (lock.state() != PoolState.RUNNING) {
            throw rejection();
        }
        if (firstTask) {
            // the first serialization in a fresh JVM loads and links the serialization machinery
            // (tens of milliseconds): let the first worker boot meanwhile
            firstTask = false;
            lock.run(Scheduler::expectTask);
        }
        long id = taskIds.incrementAndGet();
        Duration effectiveTimeout = timeout != null ? timeout : config.taskTimeout();
        String description = Outcomes.describe(task);
        classServer.remember(task);
        Map<String, Map<String, byte[]>> changedVariables = classServer.changedVariables();
        RemoteCallable<T> sent = changedVariables.isEmpty() ? task : new WithReplVariables<>(changedVariables, task);
        byte[] payload;
        try {
            // a big task (a 50 MB captured array) is not copied here: it is serialized straight to the pipe when sent
            payload = StreamedValues.serializeSmall(sent, config.serializer(), StreamedValues.CHUNK_BYTES);
        } catch (Throwable e) {
            PoolTask<T> failedTask = new PoolTask<>(id, null, effectiveTimeout, description, t -> { });
            outcomes.fail(failedTask, new TaskSerializationException(TaskSerializationException.Side.ARGUMENT_IN_PARENT,
                    CapturedValues.describeFailure(task, description, e), e));
            return failedTask;
        }
        PoolTask<T> poolTask = new PoolTask<>(id, payload, effectiveTimeout, description, this::onCancel);
        if (payload == null) {
            poolTask.streamAs(sent);
        }
        if (!lock.get(scheduler -> scheduler.submit(poolTask))) {
            throw rejection();
        }
        return poolTask;
    }

    @Override
    protected int parallelism() {
        return lock.get(Scheduler::maxWorkers);
    }

    @Override
    public void resize(int newMax) {
        config.checkResize(newMax);
        lock.run(scheduler -> scheduler.resize(newMax));
    }

    @Override
    public void prestart() {
        lock.run(Scheduler::prestart);
    }

    @Override
    public PoolSnapshot snapshot() {
        record Read(PoolSnapshot.State state, int max, int queued, String startupError, PoolSnapshot.Counters counters,
                List<PoolSnapshot.Worker> entries) {
        }
        Read read = lock.read(scheduler -> {
            List<PoolSnapshot.Worker> workers = new ArrayList<>();
            long now = System.nanoTime();
            for (WorkerSlot w : scheduler.workers()) {
                if (w.recorder) {
                    continue;
                }
                WorkerChannel c = channels.of(w);
                workers.add(new PoolSnapshot.Worker(w.id, c == null ? -1 : c.pid(), PoolSnapshot.WorkerState.valueOf(w.state().name()),
                        w.runningTask() == null ? null : w.runningTask().toString(), w.tasksDone(), -1,
                        c == null ? -1 : c.heapUsedBytes(), Duration.ofNanos(now - w.createdNanos),
                        w.replacing == null ? null : w.replacing.tag(), null, w.insights(now, c == null ? -1 : c.initNanos())));
            }
            return new Read(PoolSnapshot.State.valueOf(scheduler.state().name()), scheduler.maxWorkers(), scheduler.queued(),
                    scheduler.lastStartupError() == null ? null : scheduler.lastStartupError().getMessage(),
                    counters.snapshot(scheduler.consecutiveStartupFailures()), workers);
        });
        List<PoolSnapshot.Worker> entries = read.entries();
        // Resident memory is read outside the lock: it asks the operating system.
        List<PoolSnapshot.Worker> withMemory = new ArrayList<>(entries.size());
        for (PoolSnapshot.Worker w : entries) {
            withMemory.add(new PoolSnapshot.Worker(w.id(), w.pid(), w.state(), w.currentTask(), w.tasksDone(),
                    ResidentMemory.of(w.pid()), w.heapUsedBytes(), w.uptime(), w.lastRestartReason(), null, w.insights(),
                    ResidentMemory.proportional(w.pid())));
        }
        return new PoolSnapshot(read.state(), StartMethod.SPAWN, read.max(), read.queued(), List.copyOf(withMemory), read.counters(),
                read.startupError()).withMaps(runningMaps());
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public void shutdown() {
        lock.run(Scheduler::shutdown);
    }

    @Override
    public void abort(String reason) {
        abortReason = Objects.requireNonNull(reason, "reason must not be null");
        shutdownNow();
    }

    private java.util.concurrent.RejectedExecutionException rejection() {
        String reason = abortReason;
        return reason == null ? rejected(config.name()) : new java.util.concurrent.RejectedExecutionException(reason);
    }

    @Override
    public void shutdownNow() {
        List<PoolTask<?>> beingRead = new ArrayList<>();
        lock.run(scheduler -> {
            for (WorkerSlot w : scheduler.workers()) {
                WorkerChannel channel = channels.of(w);
                WorkerChannel.Reading reading = channel == null ? null : channel.reading();
                if (reading != null && reading.task() != null) {
                    beingRead.add(reading.task()); // no longer the scheduler's: its reply came
                }
            }
            scheduler.shutdownNow();
        });
        // every future completes, whatever its reader is still doing
        for (PoolTask<?> task : beingRead) {
            outcomes.fail(task, new LokyException(task + ": the pool was shut down (shutdownNow) while its answer was being read"));
        }
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return lock.awaitTerminated(timeout.toNanos());
    }

    @Override
    public boolean isShutdown() {
        return lock.state() != PoolState.RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return lock.state() == PoolState.TERMINATED;
    }

    @Override
    public String toString() {
        return "ProcessPool[" + config.name() + ", " + lock.state() + "]";
    }

    private void onCancel(PoolTask<?> task) {
        counters.cancelled(task);
        lock.run(scheduler -> scheduler.onCancel(task));
    }

    /** After the scheduler terminated, as the last action of its last event (PoolEffects). */
    private void terminated() {
        ShutdownHook.unregister(this);
        log.debug("{} terminated", this);
    }

    /**
     * The watchdog, on the timer: a reply being decoded past its deadline fails its task and kills
     * the worker; otherwise a ready worker silent for the heartbeat timeout is killed. A worker whose
     * reply is being read is never called silent: the silence is the reader's, not the worker's.
     */
    private void checkHeartbeats() {
        long limit = config.heartbeatTimeout().toNanos();
        lock.run(scheduler -> {
            long now = System.nanoTime();
            for (WorkerSlot w : scheduler.workers()) {
                WorkerChannel channel = channels.of(w);
                WorkerChannel.Reading reading = channel == null ? null : channel.reading();
                if (reading != null) {
                    PoolTask<?> task = reading.task() != null ? reading.task() : w.runningTask();
                    if (reading.overdue(now) && task != null && task.id == reading.taskId()) {
                        scheduler.onUnreadableReply(w, task);
                    }
                    continue;
                }
                boolean ready = w.state() == WorkerSlot.State.IDLE || w.state() == WorkerSlot.State.BUSY;
                if (ready && !w.recorder && channel != null && now - channel.lastHeardNanos() > limit) {
                    scheduler.onUnresponsive(w);
                }
            }
        });
    }
}
