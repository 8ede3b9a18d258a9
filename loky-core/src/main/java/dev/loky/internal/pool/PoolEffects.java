package dev.loky.internal.pool;

import dev.loky.PoolConfig;
import dev.loky.internal.memory.LeakDetector;
import dev.loky.internal.pool.outcome.Outcomes;
import dev.loky.internal.pool.process.ThreadDumps;
import dev.loky.internal.pool.process.WorkerChannel;
import dev.loky.internal.pool.process.WorkerChannels;
import dev.loky.internal.pool.process.WorkerLauncher;
import dev.loky.internal.pool.scheduling.Effects;
import dev.loky.internal.pool.scheduling.Leaving;
import dev.loky.internal.pool.scheduling.PoolLog;
import dev.loky.internal.pool.scheduling.PoolTask;
import dev.loky.internal.pool.scheduling.Scheduler;
import dev.loky.internal.pool.scheduling.Timer;
import dev.loky.internal.pool.scheduling.WorkerSlot;
import dev.loky.internal.protocol.FrameType;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Carries out what the {@link Scheduler} decides; what the workers' channels report goes back to it
 * through {@link ChannelEvents}.
 *
 * <p>Concurrency: called by the scheduler under the pool's lock; it only queues frames in a
 * channel's outbox, arms timers, and collects the rest (I/O, completing futures, listeners) as
 * actions that {@link PoolLock} runs after releasing the lock.
 */
final class PoolEffects implements Effects {

    private static final Logger log = PoolLog.logger();

    /** Where the channels' reports become scheduler events. */
    private final PoolLock lock;
    /** Each launched worker's channel (the scheduler's slots hold none). */
    private final WorkerChannels channels;
    /** Why the pool was stopped ({@code ProcessExecutor.abort}); {@code null} for a plain shutdown. */
    private final Supplier<String> abortReason;
    /** The pool's own last words, run after everything else once the scheduler terminated. */
    private final Runnable onTerminated;
    private final PoolConfig config;
    private final WorkerLauncher launcher;
    private final ScheduledThreadPoolExecutor timer;
    private final Outcomes outcomes;
    /** Where a launched worker's channel reports. */
    private final ChannelEvents events;
    /** The actions of the event being handled; pool lock. */
    private List<Runnable> after;

    PoolEffects(PoolLock lock, WorkerChannels channels, Supplier<String> abortReason, Runnable onTerminated, PoolConfig config, WorkerLauncher launcher,
            ScheduledThreadPoolExecutor timer, Outcomes outcomes, ChannelEvents events) {
        this.lock = lock;
        this.channels = channels;
        this.abortReason = abortReason;
        this.onTerminated = onTerminated;
        this.config = config;
        this.launcher = launcher;
        this.timer = timer;
        this.outcomes = outcomes;
        this.events = events;
    }

    /** Starts collecting actions into {@code next}; returns the list collected so far. Pool lock. */
    List<Runnable> collect(List<Runnable> next) {
        List<Runnable> previous = after;
        after = next;
        return previous;
    }

    // ------------------------------------------------------------------ Effects (pool lock)

    @Override
    public void launch(WorkerSlot w) {
        WorkerChannel channel = newChannel(w);
        after.add(() -> launcher.launch(channel, this::newRecorder, events));
    }

    private WorkerChannel newChannel(WorkerSlot w) {
        LeakDetector leak = config.memoryLeakProtection() && !w.recorder
                ? new LeakDetector(config.memoryLeakThresholdBytes(), config.memoryCheckInterval().toMillis()) : null;
        WorkerChannel channel = new WorkerChannel(w, config.name(), leak, config.heartbeatTimeout().toNanos());
        channels.add(channel);
        return channel;
    }

    private WorkerChannel newRecorder() {
        return lock.get(scheduler -> {
            WorkerSlot recorder = scheduler.newRecorder();
            return recorder == null ? null : newChannel(recorder);
        });
    }

    @Override
    public void send(WorkerSlot w, PoolTask<?> task) {
        WorkerChannel channel = channel(w);
        task.handedTo(channel.pid());
        if (task.streamed() != null) {
            channel.enqueueStreamed(task, config.serializer());
        } else {
            channel.enqueue(FrameType.TASK, task.id, task.payload());
        }
        after.add(channel::flush);
    }

    @Override
    public void sendCancel(WorkerSlot w, PoolTask<?> task) {
        tell(w, FrameType.CANCEL, task.id);
    }

    @Override
    public void stop(WorkerSlot w) {
        tell(w, FrameType.SHUTDOWN, 0);
    }

    /** Queues an empty control frame for the worker (under the lock, in order), flushed after the lock. */
    private void tell(WorkerSlot w, FrameType type, long id) {
        WorkerChannel channel = channels.of(w);
        if (channel == null) {
            return; // its exit was handled: no process left to tell
        }
        channel.enqueue(type, id, new byte[0]);
        after.add(channel::flush);
    }

    @Override
    public void kill(WorkerSlot w) {
        WorkerChannel channel = channels.of(w);
        if (channel == null) {
            return; // its exit was handled: no process left to tell
        }
        if (w.leaving() == Leaving.STARTUP_TIMEOUT) {
            // a silent worker's threads say what it waits for: keep them for the message, then kill it
            after.add(() -> {
                channel.threadsCaptured(ThreadDumps.capture(config.javaHome() != null ? config.javaHome()
                        : java.nio.file.Path.of(System.getProperty("java.home")), channel.pid()));
                channel.kill();
            });
        } else {
            after.add(channel::kill);
        }
    }

    @Override
    public void schedule(Timer t) {
        try {
            t.armed(timer.schedule(() -> lock.run(scheduler -> scheduler.onTimer(t)), t.delayNanos,
                    TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
            // terminated: nothing left to time
        }
    }

    @Override
    public void unschedule(Timer t) {
        if (t != null && t.handle() instanceof ScheduledFuture<?> f) {
            f.cancel(false);
        }
    }

    @Override
    public void cancelFuture(PoolTask<?> task, WorkerSlot runningOn) {
        String reason = abortReason.get();
        if (reason == null) {
            after.add(() -> task.cancel(true));
        } else if (runningOn != null) {
            WorkerChannel channel = channel(runningOn);
            after.add(() -> outcomes.fail(task, outcomes.stopped(task, channel, reason)));
        } else {
            after.add(() -> outcomes.fail(task, outcomes.notRun(task, reason)));
        }
    }

    @Override
    public void timedOut(PoolTask<?> task, WorkerSlot w) {
        WorkerChannel channel = channel(w);
        after.add(() -> {
            log.warn("{} exceeded its timeout of {} on {}; killing the worker", task, task.timeout, channel.name());
            outcomes.fail(task, outcomes.timedOut(task, channel));
        });
    }

    @Override
    public void unresponsive(PoolTask<?> task, WorkerSlot w) {
        WorkerChannel channel = channel(w);
        after.add(() -> {
            log.warn("{} sent no heartbeat for {} while running {}; killing it", channel.name(), config.heartbeatTimeout(), task);
            outcomes.fail(task, outcomes.unresponsive(task, channel));
        });
    }

    @Override
    public void unreadable(PoolTask<?> task, WorkerSlot w) {
        WorkerChannel channel = channel(w);
        WorkerChannel.Reading reading = channel.reading();
        Duration limit = Duration.ofNanos(reading == null ? config.heartbeatTimeout().toNanos() : reading.limitNanos());
        after.add(() -> {
            log.warn("reading the answer of {} from {} took longer than {}; killing the worker", task, channel.name(), limit);
            outcomes.fail(task, outcomes.unreadable(task, channel, limit));
        });
    }

    @Override
    public void memoryCheckDue(WorkerSlot w) {
        WorkerChannel channel = channels.of(w);
        if (channel == null) {
            return; // its exit was handled: no process left to tell
        }
        if (channel.leak() != null && channel.leak().residentCheckDue()) {
            after.add(() -> {
                try {
                    timer.execute(() -> checkResidentMemory(channel));
                } catch (RejectedExecutionException e) {
                    // terminated
                }
            });
        }
    }

    /** Runs on the timer thread: OSHI asks the operating system. */
    private void checkResidentMemory(WorkerChannel channel) {
        String leak = channel.leak().checkResident(channel.pid());
        if (leak != null) {
            lock.run(scheduler -> scheduler.onNativeLeak(channel.slot(), leak));
        }
    }

    @Override
    public void terminated() {
        lock.signalTerminated();
        after.add(() -> {
            timer.shutdownNow();
            onTerminated.run();
        });
    }

    /** The channel of a worker the scheduler still holds a task of: it has one until its exit was handled. */
    private WorkerChannel channel(WorkerSlot w) {
        WorkerChannel channel = channels.of(w);
        if (channel == null) {
            throw new IllegalStateException(w + " has no channel: its exit was handled, so it holds no task");
        }
        return channel;
    }
}
