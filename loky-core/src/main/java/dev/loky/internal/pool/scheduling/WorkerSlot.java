package dev.loky.internal.pool.scheduling;

import dev.loky.RestartReason;
import dev.loky.internal.pool.process.WorkerChannels;

import java.util.ArrayDeque;

/**
 * The {@link Scheduler}'s view of one worker: its state and the tasks it holds. Every field except
 * the final ones and {@link #pid} is owned by the scheduler and touched only under the pool's
 * lock (or by a single-threaded test). Its I/O side is the pool's ({@link WorkerChannels}).
 */
public final class WorkerSlot {

    /** A worker's life, as the scheduler sees it. */
    public enum State {
        /** Launched, not yet ready. */
        STARTING,
        /** Ready, no task. */
        IDLE,
        /** Holds one running task and possibly some sent ahead. */
        BUSY,
        /** Leaving: told to exit, being killed, or known to exit on its own; takes no new task. */
        RETIRING,
        /** Exited and accounted for. */
        DEAD
    }

    public final int id;
    /** Only records the start-up cache: exits when ready, never runs a task, never counted. */
    public final boolean recorder;
    /** Why the worker this one replaces went away, or {@code null}. */
    public final RestartReason replacing;
    /** The pool's size when this worker was started (the launcher sizes its heap from it). */
    public final int poolSize;
    public final long createdNanos;

    State state = State.STARTING;
    /**
     * Its process was asked for. A {@link State#STARTING} slot that is not launched waits its turn:
     * at most {@code concurrentStarts} workers start at once, and its start-up timeout has not begun.
     */
    boolean launched;
    /** Tasks sent to it, in order; the first runs, the rest were sent ahead and wait in the worker. */
    final ArrayDeque<PoolTask<?>> inFlight = new ArrayDeque<>(4);
    long headStartedNanos;
    long tasksDone;
    long idleSinceNanos;
    /** When it became ready ({@code 0} while starting), and its total time running tasks since (worker insights). */
    long readyNanos;
    long workingNanos;
    /** Why it leaves, once it is {@link State#RETIRING} (or DEAD). */
    Leaving leaving;
    /** Why it will leave once its in-flight tasks are done; it gets no new task meanwhile. */
    Leaving leavesAfterTasks;
    Timer startupTimer;
    Timer cancelGrace;

    /** Its process id once started ({@code -1} before), for messages; set by its channel. */
    private volatile long pid = -1;

    public WorkerSlot(int id, boolean recorder, RestartReason replacing, int poolSize, long createdNanos) {
        this.id = id;
        this.recorder = recorder;
        this.replacing = replacing;
        this.poolSize = poolSize;
        this.createdNanos = createdNanos;
    }

    /** Its state. Pool lock. */
    public State state() {
        return state;
    }

    /** The task it is running (the first sent to it), or {@code null}. Pool lock. */
    public PoolTask<?> runningTask() {
        return inFlight.peek();
    }

    /** Tasks it has finished. Pool lock. */
    public long tasksDone() {
        return tasksDone;
    }

    /** Why it leaves, once it is retiring; {@code null} before. Pool lock. */
    public Leaving leaving() {
        return leaving;
    }

    /** Its process id once started ({@code -1} before). */
    public long pid() {
        return pid;
    }

    /** Its process started with this pid; its channel's thread. */
    public void started(long processId) {
        pid = processId;
    }

    /** Counts against {@code maxWorkers}: starting, idle, or busy and staying. */
    boolean isActive() {
        return !recorder && (state == State.STARTING || state == State.IDLE
                || (state == State.BUSY && leavesAfterTasks == null));
    }

    /** Alive and not leaving: can run the waiting tasks sooner or later. */
    boolean isStaying() {
        return !recorder && state != State.DEAD && state != State.RETIRING;
    }

    /** Where its time went, as of {@code now} (mpire's worker insights). Pool lock. */
    public dev.loky.PoolSnapshot.Insights insights(long now, long initNanos) {
        if (readyNanos == 0) {
            return new dev.loky.PoolSnapshot.Insights(null, null, java.time.Duration.ZERO, java.time.Duration.ZERO);
        }
        long init = initNanos;
        long working = workingNanos + (state == State.BUSY && !inFlight.isEmpty() ? now - headStartedNanos : 0);
        long waiting = Math.max(0, now - readyNanos - working);
        return new dev.loky.PoolSnapshot.Insights(java.time.Duration.ofNanos(readyNanos - createdNanos),
                java.time.Duration.ofNanos(Math.max(0, init)), java.time.Duration.ofNanos(working),
                java.time.Duration.ofNanos(waiting));
    }

    @Override
    public String toString() {
        return "worker " + id + (pid > 0 ? " (pid " + pid + ")" : "");
    }
}
