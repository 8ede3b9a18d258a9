package dev.loky.internal.pool.process;

import dev.loky.internal.memory.LeakDetector;
import dev.loky.internal.pool.cache.StartupCache;
import dev.loky.internal.pool.outcome.WorkerFacts;
import dev.loky.internal.pool.scheduling.PoolLog;
import dev.loky.internal.pool.scheduling.PoolTask;
import dev.loky.internal.pool.scheduling.WorkerSlot;
import dev.loky.internal.protocol.ExitReport;
import dev.loky.internal.protocol.Frame;
import dev.loky.internal.protocol.FrameReader;
import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.FrameWriter;
import dev.loky.internal.protocol.StreamedValues;
import dev.loky.internal.protocol.WorkerReady;
import dev.loky.serialization.TaskSerializer;
import org.slf4j.Logger;

import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The I/O side of one worker JVM: its process, the outbox of frames to write, the reader thread
 * (replies, then the exit), the stderr-drain thread and the tails of its output for error messages.
 *
 * <p>Thread-safe: frames are queued under the pool's lock in the order the scheduler decided and
 * written by {@link #flush()} from any thread without it; the reader and stderr threads are this
 * channel's own and report to the pool through {@link Events}, never holding a lock of the pool.
 * The launcher's {@code INIT} is the one frame queued without the pool's lock, and it is always the
 * first: the scheduler sends nothing to a starting worker (one it stops while starting is killed).
 */
public final class WorkerChannel implements WorkerFacts {

    private static final Logger log = PoolLog.logger();

    /**
     * How long after a killed process is gone its reader thread may take to report the exit itself
     * before the exit is reported for it: a reader stuck decoding a value built to be slow to read
     * never gets to the end of the stream.
     */
    static final long EXIT_REPORT_GRACE_MILLIS = 2000;

    /**
     * A reply the reader thread is decoding (an answer's value, or a streamed value still arriving):
     * the task if already known (else {@code null}, and {@code taskId} names it), since when, and how
     * long it may take. Read by the pool's watchdog, which fails the task and kills the worker past it.
     */
    public record Reading(PoolTask<?> task, long taskId, long sinceNanos, long limitNanos) {
        public boolean overdue(long now) {
            return now - sinceNanos > limitNanos;
        }
    }

    /** What the reader thread reports. */
    public interface Events {
        void onFrame(WorkerChannel channel, Frame frame);

        void onExit(WorkerChannel channel, ExitReport exit);

        /** Reads a streamed value (a big result) whose first frame is {@code first}, straight from the channel. */
        StreamedValues.Value readValue(FrameReader reader, Frame first) throws IOException;
    }

    private final WorkerSlot slot;
    private final String poolName;
    /** Memory-leak protection for this worker, or {@code null} when it is off. */
    private final LeakDetector leak;
    /** The start-up cache this worker records at its exit, if it is a recorder. Set before launch. */
    volatile StartupCache startupCache;
    volatile StartupCache.Recording startupCacheRecording;

    private volatile Process process;
    private volatile FrameWriter writer;
    /** The reader of its replies, once its reader thread runs. */
    private volatile FrameReader frames;
    /** {@link Frame}s, and {@link PoolTask}s to stream ({@link #enqueueStreamed}). */
    private final ConcurrentLinkedQueue<Object> outbox = new ConcurrentLinkedQueue<>();
    private volatile TaskSerializer serializer;
    /** The streamed value that came ahead of the reply being read; reader thread only. */
    private StreamedValues.Value streamedReply;
    /** What the reader thread is decoding now, or {@code null}; written by the reader thread only. */
    private volatile Reading reading;
    private volatile Events events;
    /** The exit was reported (by the reader thread, or for it when it was stuck): exactly once. */
    private final AtomicBoolean exitReported = new AtomicBoolean();
    private volatile boolean killRequested;
    private volatile long pid = -1;
    private volatile long heapUsedBytes = -1;
    /** The heap cap it was started with, for {@code OutOfMemory}'s messages. */
    volatile String heapCap = "unknown";
    private volatile String startupFailure;
    /** Time its initializer took in the worker, from its READY frame; {@code -1} until then. */
    private volatile long initNanos = -1;
    /** The worker reported READY ({@link WorkerReady}, decoded in the protocol). */
    public void readyReported(WorkerReady ready) {
        output.ready();
        initNanos = ready.initNanos();
    }

    /** Application threads, captured when the worker missed its startup timeout; {@code null} otherwise. */
    private volatile String threadDump;
    /** What it writes outside the protocol: logged, and its last lines kept for its errors. */
    private final WorkerOutput output;

    /** How long reading one streamed value may take (the heartbeat timeout: the worker's own silence is bounded by it too). */
    private final long streamedReadLimitNanos;

    public WorkerChannel(WorkerSlot slot, String poolName, LeakDetector leak, long streamedReadLimitNanos) {
        this.slot = slot;
        this.poolName = poolName;
        this.leak = leak;
        this.streamedReadLimitNanos = streamedReadLimitNanos;
        this.output = new WorkerOutput(poolName, slot.id, this::name, this::pid);
    }

    // What the pool's other rooms read and report about this worker: one method each, so that the
    // channel's state has one owner and each write says which thread makes it.

    /** The scheduler's slot this channel serves. */
    public WorkerSlot slot() {
        return slot;
    }

    /** Memory-leak protection for this worker, or {@code null} when it is off. */
    public LeakDetector leak() {
        return leak;
    }

    /** The heap cap it was started with (e.g. {@code -Xmx64m}), for out-of-memory messages. */
    @Override
    public String heapCap() {
        return heapCap;
    }

    /** Heap in use after its last task, from its reply; {@code -1} before the first. */
    public long heapUsedBytes() {
        return heapUsedBytes;
    }

    /** Its last reply's heap figure; reader thread. */
    public void heapUsed(long bytes) {
        heapUsedBytes = bytes;
    }

    /** Time its initializer took, from its READY frame; {@code -1} until then. */
    public long initNanos() {
        return initNanos;
    }

    /** Its initializer's failure, as it reported it before exiting; kept for its {@link ExitReport}. Reader thread. */
    public void startupFailed(String failure) {
        startupFailure = failure;
    }

    /** Its application threads, captured when it missed its start-up timeout; kept for its {@link ExitReport}. */
    public void threadsCaptured(String dump) {
        threadDump = dump;
    }

    /** What the reader thread is decoding now, or {@code null}: read by the pool's watchdog. */
    public Reading reading() {
        return reading;
    }

    /** The reader thread starts decoding a reply's value ({@code null}: it is done). */
    public void reading(Reading now) {
        reading = now;
    }

    /** The streamed value that came ahead of the reply being read, now handed over; reader thread. */
    public StreamedValues.Value takeStreamedReply() {
        StreamedValues.Value value = streamedReply;
        streamedReply = null;
        return value;
    }

    /** A recording worker has exited: its start-up cache records the archive it wrote (or why not). Once. */
    public void finishRecording(int exitCode, String output) {
        StartupCache.Recording recording = startupCacheRecording;
        if (recording != null) {
            startupCacheRecording = null;
            startupCache.recorded(recording, exitCode, output);
        }
    }

    @Override
    public long pid() {
        return pid;
    }

    /**
     * Binds the started process and starts its reader and stderr threads; kills it at once if a
     * kill was asked for before it existed.
     */
    void attach(Process process, Events events) {
        this.pid = process.pid();
        slot.started(pid);
        this.writer = new FrameWriter(process.getOutputStream());
        this.events = events;
        this.process = process;
        if (killRequested) {
            kill();
        }
        Thread stderr = new Thread(() -> output.drainStderr(process.getErrorStream()), poolName + "-worker-" + slot.id + "-stderr");
        stderr.setDaemon(true);
        stderr.start();
        Thread reader = new Thread(() -> readFrames(events, stderr), poolName + "-worker-" + slot.id + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Queues a frame; called under the pool's lock, so frames are queued in the order the scheduler decided. */
    public void enqueue(FrameType type, long id, byte[] payload) {
        outbox.add(new Frame(type, id, payload));
    }

    /** Queues a big task, to be serialized straight into chunk frames when the outbox is written. */
    public void enqueueStreamed(PoolTask<?> task, TaskSerializer serializer) {
        this.serializer = serializer;
        outbox.add(task);
    }

    /** Writes a big task as chunks (the worker replies to a failed one, which fails it with its {@code sendFailure}). */
    private void writeStreamed(FrameWriter w, PoolTask<?> task) throws IOException {
        Object body = task.streamed();
        StreamedValues.Written written = StreamedValues.write(w, task.id, body, serializer);
        if (written.small() != null) {
            w.append(FrameType.TASK, task.id, written.small());
        } else if (written.failure() != null) {
            task.sendFailed(written.failure());
        }
    }

    /**
     * Writes every queued frame, in order, and flushes once: frames queued together (tasks sent
     * ahead) leave in one write. Called without the pool's lock by whichever thread queued frames;
     * several may call it at once, and the writer's lock keeps the order. A write failure means
     * the worker is dying, which its reader thread reports.
     */
    public void flush() {
        FrameWriter w = writer;
        if (w == null) {
            return; // not launched yet: the launcher flushes once the channel exists
        }
        synchronized (w) {
            Object item;
            try {
                while ((item = outbox.poll()) != null) {
                    if (item instanceof Frame frame) {
                        w.append(frame.type(), frame.id(), frame.payload());
                    } else {
                        writeStreamed(w, (PoolTask<?>) item);
                    }
                }
                w.flush();
            } catch (IOException e) {
                outbox.clear();
            }
        }
    }

    /** Queues and writes one frame at once. */
    public void send(FrameType type, long id, byte[] payload) {
        enqueue(type, id, payload);
        flush();
    }

    /**
     * Kills the process (SIGKILL); safe before it was started and after it exited. Its exit is
     * reported even if the reader thread never gets there (stuck decoding a hostile value): once the
     * process is gone and the reader has had {@link #EXIT_REPORT_GRACE_MILLIS}, it is reported for it.
     */
    public void kill() {
        killRequested = true;
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            p.onExit().thenRunAsync(() -> reportExit(p.exitValue()),
                    CompletableFuture.delayedExecutor(EXIT_REPORT_GRACE_MILLIS, TimeUnit.MILLISECONDS));
        }
    }

    /** Tells the pool the process is gone, once, whoever gets here first (the reader thread, or a kill's fallback). */
    private void reportExit(int exitCode) {
        Events e = events;
        if (e != null && exitReported.compareAndSet(false, true)) {
            if (reading != null) {
                log.warn("{} exited while its reader was still decoding a reply; reporting its exit without it", name());
            }
            e.onExit(this, exitReport(exitCode));
        }
    }

    /** The facts of this worker's exit with {@code exitCode}, as far as its channel knows them. */
    ExitReport exitReport(int exitCode) {
        return ExitReport.of(exitCode, outputTail(), startupFailure, threadDump);
    }

    /** When a frame last arrived from the worker ({@code System.nanoTime()}); its launch until then. */
    public long lastHeardNanos() {
        FrameReader r = frames;
        return r == null ? slot.createdNanos : r.lastFrameNanos();
    }

    private void readFrames(Events events, Thread stderr) {
        FrameReader reader = new FrameReader(process.getInputStream(), output::strayLine);
        frames = reader;
        try {
            while (true) {
                Frame frame = reader.read();
                if (frame.type().isChunk()) {
                    // a big result, read here straight into the deserializer; its reply frame follows
                    reading = new Reading(null, frame.id(), System.nanoTime(), streamedReadLimitNanos);
                    try {
                        streamedReply = events.readValue(reader, frame);
                    } finally {
                        reading = null;
                    }
                } else {
                    events.onFrame(this, frame);
                }
            }
        } catch (EOFException e) {
            // the worker closed its end: it is exiting
        } catch (IOException e) {
            log.error("{}: channel failed ({}); killing it", name(), e.getMessage());
            kill();
        } catch (RuntimeException | Error e) {
            log.error("{}: reader failed; killing it", name(), e);
            kill();
        }
        int exitCode = awaitExit();
        try {
            stderr.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reportExit(exitCode);
    }

    private int awaitExit() {
        Process p = process;
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                log.warn("{} closed its channel but did not exit; killing it", name());
                p.destroyForcibly();
                p.waitFor();
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return -1;
        }
    }

    /** A line for its output tail that the parent wrote for it (a start-up problem). */
    void addStderr(String line) {
        output.addStderr(line);
    }

    /** The stray channel text (e.g. a JVM fatal-error banner) then the stderr tail. */
    @Override
    public String outputTail() {
        return output.tail();
    }

    @Override
    public String name() {
        return "worker " + slot.id + (pid > 0 ? " (pid " + pid + ")" : "");
    }
}
