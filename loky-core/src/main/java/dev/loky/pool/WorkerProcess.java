package dev.loky.pool;

import dev.loky.RestartReason;
import dev.loky.memory.LeakDetector;
import dev.loky.protocol.Frame;
import dev.loky.protocol.FrameType;
import dev.loky.protocol.FrameWriter;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ScheduledFuture;

/**
 * The parent's handle on one worker JVM.
 *
 * <p>Ownership: fields marked "pool lock" belong to {@link ProcessPool} and are read and written only
 * under its lock. The process, the channel writer and the output tails are this object's own and
 * safe to use from any thread.
 */
final class WorkerProcess {

    /** A worker's life, as the pool sees it. */
    enum State {
        /** Launched, not yet ready. */
        STARTING,
        /** Ready, no task. */
        IDLE,
        /** Running a task. */
        BUSY,
        /** Told to exit (or being killed); takes no new task. */
        RETIRING,
        /** Exited and accounted for. */
        DEAD
    }

    /** Why the pool let a worker go; {@link #restart} is the reason its replacement is counted under. */
    enum Retirement {
        IDLE(null, false),
        RESIZE(null, false),
        SHUTDOWN(null, false),
        MAX_TASKS(RestartReason.MAX_TASKS, false),
        MEMORY_LEAK(RestartReason.MEMORY_LEAK, false),
        TIMEOUT(RestartReason.TIMEOUT, true),
        CANCEL_IGNORED(RestartReason.TIMEOUT, true),
        STARTUP_TIMEOUT(null, true),
        RECORDED(null, false),
        KILLED(null, true);

        final RestartReason restart;
        final boolean kill;

        Retirement(RestartReason restart, boolean kill) {
            this.restart = restart;
            this.kill = kill;
        }
    }

    private static final int TAIL_LINES = 40;

    final int id;
    final long createdNanos = System.nanoTime();
    /** Why the worker this one replaces went away, or {@code null}. */
    final RestartReason replacing;
    /** Only records the start-up cache: exits when ready, never runs a task, never counted. */
    final boolean recorder;
    /** Memory-leak protection for this worker, or {@code null} when it is off. */
    final LeakDetector leak;

    // --- pool lock ---
    State state = State.STARTING;
    /** Tasks sent to it, in order; the first is running, the rest were sent ahead and wait in the worker. */
    final ArrayDeque<PoolTask<?>> inFlight = new ArrayDeque<>(4);
    long headStartedNanos;
    long tasksDone;
    /** When it became ready ({@code 0} while starting), and its total time running tasks since. */
    long readyNanos;
    long workingNanos;
    long idleSinceNanos;
    /** Why it was let go, once it is RETIRING. */
    Retirement retirement;
    /** Why it will be let go once its in-flight tasks are done; it gets no new task meanwhile. */
    Retirement pendingRetirement;
    ScheduledFuture<?> startupCheck;
    ScheduledFuture<?> cancelGrace;
    PoolTask<?> cancelGraceTask;

    /** The start-up cache this worker records at its exit, if it is the recorder. Set before launch. */
    volatile StartupCache startupCache;
    volatile StartupCache.Recording startupCacheRecording;

    // --- own, thread-safe ---
    private volatile Process process;
    private volatile FrameWriter writer;
    private final java.util.concurrent.ConcurrentLinkedQueue<Frame> outbox = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean killRequested;
    volatile long pid = -1;
    volatile long heapUsedBytes = -1;
    volatile String startupFailure;
    /** Time its initializer took in the worker, from its READY frame; {@code -1} until then. */
    volatile long initNanos = -1;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Deque<String> strayTail = new ArrayDeque<>();

    WorkerProcess(int id, RestartReason replacing, boolean recorder, LeakDetector leak) {
        this.id = id;
        this.replacing = replacing;
        this.recorder = recorder;
        this.leak = leak;
    }

    /** Binds the started process; kills it at once if a kill was asked for before it existed. */
    void attach(Process process) {
        this.pid = process.pid();
        this.writer = new FrameWriter(process.getOutputStream());
        this.process = process;
        if (killRequested) {
            process.destroyForcibly();
        }
    }

    Process process() {
        return process;
    }

    /**
     * Queues a frame for this worker. Called under the pool's lock, so frames are queued in the
     * order the pool decided them (tasks in their in-flight order); {@link #flush()} writes them.
     */
    void enqueue(FrameType type, long id, byte[] payload) {
        outbox.add(new Frame(type, id, payload));
    }

    /**
     * Writes every queued frame, in order. Called without the pool's lock by whichever thread
     * queued frames; several may call it at once, and the writer's lock keeps the order. A write
     * failure means the worker is dying, which its reader thread reports.
     */
    void flush() {
        FrameWriter w = writer;
        if (w == null) {
            return; // not launched yet: launch() flushes once the channel exists
        }
        synchronized (w) {
            Frame frame;
            while ((frame = outbox.poll()) != null) {
                try {
                    w.write(frame);
                } catch (IOException e) {
                    outbox.clear();
                    return;
                }
            }
        }
    }

    /** Queues and writes one frame at once. */
    void send(FrameType type, long id, byte[] payload) {
        enqueue(type, id, payload);
        flush();
    }

    /** Kills the process (SIGKILL); safe before it was started and after it exited. */
    void kill() {
        killRequested = true;
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    void addStderr(String line) {
        synchronized (stderrTail) {
            if (stderrTail.size() == TAIL_LINES) {
                stderrTail.removeFirst();
            }
            stderrTail.addLast(line);
        }
    }

    void addStray(String line) {
        synchronized (strayTail) {
            if (strayTail.size() == TAIL_LINES) {
                strayTail.removeFirst();
            }
            strayTail.addLast(line);
        }
    }

    /** The stray channel text (e.g. a JVM fatal-error banner) then the stderr tail. */
    String outputTail() {
        StringBuilder text = new StringBuilder();
        synchronized (strayTail) {
            strayTail.forEach(line -> text.append(line).append('\n'));
        }
        synchronized (stderrTail) {
            stderrTail.forEach(line -> text.append(line).append('\n'));
        }
        return text.toString();
    }

    /** Reads the READY frame: the worker's pid, then (newer workers) its initializer's time in nanoseconds. */
    void readyReported(byte[] payload) {
        if (payload.length >= 16) {
            initNanos = java.nio.ByteBuffer.wrap(payload, 8, 8).getLong();
        }
    }

    /** Where its time went, as of {@code now}. Pool lock. */
    dev.loky.PoolSnapshot.Insights insights(long now) {
        if (readyNanos == 0) {
            return new dev.loky.PoolSnapshot.Insights(null, null, java.time.Duration.ZERO, java.time.Duration.ZERO);
        }
        long working = workingNanos + (state == State.BUSY && !inFlight.isEmpty() ? now - headStartedNanos : 0);
        long waiting = Math.max(0, now - readyNanos - working);
        return new dev.loky.PoolSnapshot.Insights(java.time.Duration.ofNanos(readyNanos - createdNanos),
                java.time.Duration.ofNanos(Math.max(0, initNanos)), java.time.Duration.ofNanos(working),
                java.time.Duration.ofNanos(waiting));
    }

    String name() {
        return "worker " + id + (pid > 0 ? " (pid " + pid + ")" : "");
    }
}
