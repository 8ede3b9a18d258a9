package dev.loky.internal.pool.scheduling;

/**
 * What the {@link Scheduler} asks of the world: the only way its decisions leave it.
 *
 * <p>Called while the scheduler's owner holds its lock: implementations must not block and must
 * not call back into the scheduler; the pool queues frames and timers and runs the rest after the lock.
 */
public interface Effects {
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

    /** Call {@link Scheduler#onTimer} with this timer after its delay. */
    void schedule(Timer timer);

    /** Creates a timer of {@code kind} and {@link #schedule}s it. */
    default Timer arm(Timer.Kind kind, WorkerSlot worker, PoolTask<?> task, long delayNanos) {
        Timer timer = new Timer(kind, worker, task, delayNanos);
        schedule(timer);
        return timer;
    }

    /** A timer no longer needed; it may still fire, and is then ignored. */
    void unschedule(Timer timer);

    /**
     * Cancel a task's future (shutdownNow); {@code runningOn} is the worker that was running it, or
     * {@code null} for a task that had not started. An owner that stopped the pool with a reason
     * fails the future with that reason instead.
     */
    void cancelFuture(PoolTask<?> task, WorkerSlot runningOn);

    /** Fail a task's future with a timeout; its worker is being killed. */
    void timedOut(PoolTask<?> task, WorkerSlot w);

    /** Fail a task's future: its worker stopped sending heartbeats and is being killed. */
    void unresponsive(PoolTask<?> task, WorkerSlot w);

    /** Fail a task's future: its answer could not be read in time (a value built to be slow to read); its worker is being killed. */
    void unreadable(PoolTask<?> task, WorkerSlot w);

    /** A worker that answered without a heap leak may be checked for native growth now. */
    void memoryCheckDue(WorkerSlot w);

    /** The pool has terminated: no worker, no task left. */
    void terminated();
}
