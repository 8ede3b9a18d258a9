package dev.loky.internal.pool;

import dev.loky.PoolConfig;
import dev.loky.internal.pool.outcome.Outcomes;
import dev.loky.internal.pool.process.ClassServer;
import dev.loky.internal.pool.process.StartupFailureLog;
import dev.loky.internal.pool.process.WorkerChannel;
import dev.loky.internal.pool.process.WorkerChannels;
import dev.loky.internal.pool.scheduling.Departure;
import dev.loky.internal.pool.scheduling.Leaving;
import dev.loky.internal.pool.scheduling.PoolCounters;
import dev.loky.internal.pool.scheduling.PoolLog;
import dev.loky.internal.pool.scheduling.PoolTask;
import dev.loky.internal.pool.scheduling.Scheduler;
import dev.loky.internal.pool.scheduling.WorkerSlot;
import dev.loky.internal.protocol.ExitReport;
import dev.loky.internal.protocol.ExitStatus;
import dev.loky.internal.protocol.Frame;
import dev.loky.internal.protocol.FrameReader;
import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.ItemProgress;
import dev.loky.internal.protocol.MemoryReference;
import dev.loky.internal.protocol.StreamedValues;
import dev.loky.internal.protocol.TaskReply;
import dev.loky.internal.protocol.WorkerReady;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What the workers' channels report, fed to the {@link Scheduler} as events: a frame (ready, a
 * reply, progress, a class request, a memory reference) or an exit ({@link ExitReport}).
 *
 * <p>Concurrency: runs on a worker's reader thread (or, for a process that could not be started,
 * the launching thread) without the lock: it decodes, takes the lock ({@link PoolLock}) for one
 * scheduler event, and completes the caller's future on that same thread, with no further hand-off.
 */
final class ChannelEvents implements WorkerChannel.Events {

    private static final Logger log = PoolLog.logger();

    private final PoolLock lock;
    /** Each launched worker's channel; a channel leaves it once its exit was handled here. */
    private final WorkerChannels channels;
    private final PoolConfig config;
    private final Outcomes outcomes;
    private final PoolCounters counters;
    private final ClassServer classServer;
    private final StartupFailureLog startupFailures = new StartupFailureLog();

    ChannelEvents(PoolLock lock, WorkerChannels channels, PoolConfig config, Outcomes outcomes, PoolCounters counters,
            ClassServer classServer) {
        this.lock = lock;
        this.channels = channels;
        this.config = config;
        this.outcomes = outcomes;
        this.counters = counters;
        this.classServer = classServer;
    }


    @Override
    public void onFrame(WorkerChannel channel, Frame frame) {
        switch (frame.type()) {
            case READY -> {
                channel.readyReported(WorkerReady.decode(frame.payload()));
                onReady(channel);
            }
            case STARTUP_FAILED -> channel.startupFailed(new String(frame.payload(), StandardCharsets.UTF_8));
            case RESULT, TASK_ERROR, SERIALIZATION_ERROR -> onReply(channel, frame);
            case HEARTBEAT -> { } // its arrival is what counts: the reader noted the time
            case CLASS_REQUEST -> channel.send(FrameType.CLASS_BYTES, frame.id(),
                    classServer.answer(new String(frame.payload(), StandardCharsets.UTF_8)).encode());
            case ITEM_PROGRESS -> onItemProgress(channel.slot(), frame);
            case MEMORY_REFERENCE -> {
                MemoryReference reference = MemoryReference.decode(frame.payload());
                if (channel.leak() != null && reference != null) {
                    channel.leak().reference(reference.liveHeap(), reference.committedHeap(), reference.resident());
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
            PoolTask<?> head = w.runningTask();
            return head != null && head.id == frame.id() ? head : null;
        });
        PoolTask.ItemProgress listener = task == null ? null : task.itemProgress();
        if (listener != null) {
            listener.onItems(progress.ran(), progress.failed());
        }
    }

    private void onReady(WorkerChannel channel) {
        WorkerSlot w = channel.slot();
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
        WorkerSlot w = channel.slot();
        TaskReply reply;
        try {
            reply = TaskReply.decode(frame.payload());
        } catch (IOException e) {
            log.error("{} sent a malformed reply; killing it", channel.name(), e);
            channel.kill();
            return;
        }
        StreamedValues.Value streamed = channel.takeStreamedReply();
        channel.heapUsed(reply.heapUsedBytes());
        String leak = channel.leak() == null ? null : channel.leak().afterTask(reply.heapCommittedBytes(), reply.liveHeapBytes(), reply.residentBytes());
        PoolTask<?> task = lock.get(scheduler -> scheduler.onReply(w, frame.id(), leak, reply.outOfMemory()));
        if (task != null && !task.isDone()) {
            // decoded here, with no hand-off; a value that takes longer than the task's timeout (else
            // the heartbeat timeout) to read is failed by the pool's watchdog, which kills the worker
            Duration limit = task.timeout != null ? task.timeout : config.heartbeatTimeout();
            channel.reading(new WorkerChannel.Reading(task, task.id, System.nanoTime(), limit.toNanos()));
            try {
                outcomes.complete(task, frame.type(), reply, channel, streamed);
            } finally {
                channel.reading(null);
            }
        }
    }

    @Override
    public StreamedValues.Value readValue(FrameReader reader, Frame first) throws IOException {
        return StreamedValues.read(reader, first, config.serializer(), outcomes.loader());
    }

    @Override
    public void onExit(WorkerChannel channel, ExitReport exit) {
        WorkerSlot w = channel.slot();
        int exitCode = exit.code();
        String output = exit.output();
        channel.finishRecording(exitCode, output);
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
