package dev.loky.pool;

import dev.loky.PoolConfig;
import dev.loky.memory.LeakDetector;
import dev.loky.protocol.Frame;
import dev.loky.protocol.FrameReader;
import dev.loky.protocol.FrameType;
import dev.loky.protocol.ItemProgress;
import dev.loky.protocol.MemoryReference;
import dev.loky.protocol.StreamedValues;
import dev.loky.protocol.TaskReply;
import dev.loky.protocol.WorkerReady;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Carries out what the {@link Scheduler} decides, and feeds it what the workers' channels report.
 *
 * <p>Concurrency: the {@link Effects} methods are called by the scheduler under the
 * pool's lock; they only queue frames in a channel's outbox, arm timers, and collect the rest (I/O,
 * completing futures, listeners) as actions that {@link PoolLock} runs after releasing the lock. The
 * {@link WorkerChannel.Events} methods run on a worker's reader thread (or, for a process that
 * could not be started, the launching thread) without the lock: they decode, take the lock for one
 * scheduler event, and complete the caller's future on that same thread, with no further hand-off.
 */
final class PoolEffects implements Effects, WorkerChannel.Events {

    private static final Logger log = LoggerFactory.getLogger(PoolLock.POOL_LOG);

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
    private final PoolCounters counters;
    private final ClassServer classServer;
    private final StartupFailureLog startupFailures = new StartupFailureLog();
    /** The actions of the event being handled; pool lock. */
    private List<Runnable> after;

    PoolEffects(PoolLock lock, WorkerChannels channels, Supplier<String> abortReason, Runnable onTerminated, PoolConfig config, WorkerLauncher launcher,
            ScheduledThreadPoolExecutor timer, Outcomes outcomes, PoolCounters counters, ClassServer classServer) {
        this.lock = lock;
        this.channels = channels;
        this.abortReason = abortReason;
        this.onTerminated = onTerminated;
        this.config = config;
        this.launcher = launcher;
        this.timer = timer;
        this.outcomes = outcomes;
        this.counters = counters;
        this.classServer = classServer;
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
        after.add(() -> launcher.launch(channel, this::newRecorder, this));
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
        task.workerPid = channel.pid();
        if (task.streamed != null) {
            channel.enqueueStreamed(task, config.serializer());
        } else {
            channel.enqueue(FrameType.TASK, task.id, task.payload);
        }
        after.add(channel::flush);
    }

    @Override
    public void sendCancel(WorkerSlot w, PoolTask<?> task) {
        WorkerChannel channel = channels.of(w);
        if (channel == null) {
            return; // its exit was handled: no process left to tell
        }
        channel.enqueue(FrameType.CANCEL, task.id, new byte[0]);
        after.add(channel::flush);
    }

    @Override
    public void stop(WorkerSlot w) {
        WorkerChannel channel = channels.of(w);
        if (channel == null) {
            return; // its exit was handled: no process left to tell
        }
        channel.enqueue(FrameType.SHUTDOWN, 0, new byte[0]);
        after.add(channel::flush);
    }

    @Override
    public void kill(WorkerSlot w) {
        WorkerChannel channel = channels.of(w);
        if (channel == null) {
            return; // its exit was handled: no process left to tell
        }
        if (w.leaving == Leaving.STARTUP_TIMEOUT) {
            // a silent worker's threads say what it waits for: keep them for the message, then kill it
            after.add(() -> {
                channel.threadDump = ThreadDumps.capture(config.javaHome() != null ? config.javaHome()
                        : java.nio.file.Path.of(System.getProperty("java.home")), channel.pid());
                channel.kill();
            });
        } else {
            after.add(channel::kill);
        }
    }

    @Override
    public void schedule(Timer t) {
        try {
            t.handle = timer.schedule(() -> lock.run(scheduler -> scheduler.onTimer(t)), t.delayNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // terminated: nothing left to time
        }
    }

    @Override
    public void unschedule(Timer t) {
        if (t != null && t.handle instanceof ScheduledFuture<?> f) {
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
        WorkerChannel.Reading reading = channel.reading;
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
        if (channel.leak != null && channel.leak.residentCheckDue()) {
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
        String leak = channel.leak.checkResident(channel.pid());
        if (leak != null) {
            lock.run(scheduler -> scheduler.onNativeLeak(channel.slot, leak));
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

    // ------------------------------------------------------------------ WorkerChannel.Events (reader thread)

    @Override
    public void onFrame(WorkerChannel channel, Frame frame) {
        switch (frame.type()) {
            case READY -> {
                channel.readyReported(WorkerReady.decode(frame.payload()));
                onReady(channel);
            }
            case STARTUP_FAILED -> channel.startupFailure = new String(frame.payload(), StandardCharsets.UTF_8);
            case RESULT, TASK_ERROR, SERIALIZATION_ERROR -> onReply(channel, frame);
            case HEARTBEAT -> { } // its arrival is what counts: the reader noted the time
            case CLASS_REQUEST -> channel.send(FrameType.CLASS_BYTES, frame.id(),
                    classServer.answer(new String(frame.payload(), StandardCharsets.UTF_8)).encode());
            case ITEM_PROGRESS -> onItemProgress(channel.slot, frame);
            case MEMORY_REFERENCE -> {
                MemoryReference reference = MemoryReference.decode(frame.payload());
                if (channel.leak != null && reference != null) {
                    channel.leak.reference(reference.liveHeap(), reference.committedHeap(), reference.resident());
                }
            }
            default -> log.warn("{} sent an unexpected {} frame", channel.name(), frame.type());
        }
    }

    /** A running chunk's progress; figures a worker could get wrong (or forge) are dropped. */
    private void onItemProgress(WorkerSlot w, Frame frame) {
        ItemProgress progress = ItemProgress.decode(frame.payload());
        if (progress == null) {
            return;
        }
        PoolTask<?> task = lock.read(scheduler -> {
            PoolTask<?> head = w.inFlight.peek();
            return head != null && head.id == frame.id() ? head : null;
        });
        PoolTask.ItemProgress listener = task == null ? null : task.itemProgress;
        if (listener != null) {
            listener.onItems(progress.ran(), progress.failed());
        }
    }

    private void onReady(WorkerChannel channel) {
        WorkerSlot w = channel.slot;
        Duration startup = Duration.ofNanos(System.nanoTime() - w.createdNanos);
        if (lock.get(scheduler -> scheduler.onReady(w))) {
            long pid = channel.pid();
            log.info("{} ready in {} ms", channel.name(), startup.toMillis());
            startupFailures.started(channel.name());
            counters.listeners().fire(l -> l.workerStarted(pid, startup));
        }
    }

    /** A reply: frees the worker (and gives it the next task) first, then completes the future here. */
    private void onReply(WorkerChannel channel, Frame frame) {
        WorkerSlot w = channel.slot;
        TaskReply reply;
        try {
            reply = TaskReply.decode(frame.payload());
        } catch (IOException e) {
            log.error("{} sent a malformed reply; killing it", channel.name(), e);
            channel.kill();
            return;
        }
        StreamedValues.Value streamed = channel.streamedReply;
        channel.streamedReply = null;
        channel.heapUsedBytes = reply.heapUsedBytes();
        String leak = channel.leak == null ? null : channel.leak.afterTask(reply.heapCommittedBytes(), reply.liveHeapBytes(), reply.residentBytes());
        PoolTask<?> task = lock.get(scheduler -> scheduler.onReply(w, frame.id(), leak, reply.outOfMemory()));
        if (task != null && !task.isDone()) {
            // decoded here, with no hand-off; a value that takes longer than the task's timeout (else
            // the heartbeat timeout) to read is failed by the pool's watchdog, which kills the worker
            Duration limit = task.timeout != null ? task.timeout : config.heartbeatTimeout();
            channel.reading = new WorkerChannel.Reading(task, task.id, System.nanoTime(), limit.toNanos());
            try {
                outcomes.complete(task, frame.type(), reply, channel, streamed);
            } finally {
                channel.reading = null;
            }
        }
    }

    @Override
    public StreamedValues.Value readValue(FrameReader reader, Frame first) throws IOException {
        return StreamedValues.read(reader, first, config.serializer(), outcomes.loader());
    }

    @Override
    public void onExit(WorkerChannel channel, ExitReport exit) {
        WorkerSlot w = channel.slot;
        int exitCode = exit.code();
        String output = exit.output();
        if (channel.startupCacheRecording != null) {
            channel.startupCache.recorded(channel.startupCacheRecording, exitCode, output);
            channel.startupCacheRecording = null;
        }
        Departure departure = lock.get(scheduler -> scheduler.onExit(w,
                timedOut -> outcomes.startupFailure(channel, exit, timedOut)));
        channels.remove(w); // the scheduler let the slot go: nothing asks for its I/O any more
        Leaving why = departure.why();
        if (why != null && why.isCrash()) {
            // the one place a crashed worker's output tail is logged (exception messages leave it out)
            log.warn("{} died: {}{}", channel.name(), ExitStatus.describe(exitCode),
                    output.isBlank() ? "" : "; its last output:\n" + output.stripTrailing());
            counters.listeners().fire(l -> l.workerCrashed(channel.pid(), exitCode));
        }
        if (why != null && why.restart != null) {
            counters.listeners().fire(l -> l.workerRestarted(why.restart));
        }
        if (departure.lost() != null) {
            outcomes.fail(departure.lost(), outcomes.exited(channel, exit, departure.lost(), why));
        }
        if (departure.startupError() != null) {
            startupFailures.failed(departure.startupError(), channel.name());
            counters.listeners().fire(l -> l.workerStartupFailed(departure.startupError()));
            for (PoolTask<?> t : departure.failedWithStartup()) {
                outcomes.fail(t, departure.startupError());
            }
        }
    }
}
