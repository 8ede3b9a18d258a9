package dev.loky.internal.pool.scheduling;

/** A delayed event; stale timers (their worker or task moved on) are ignored when they fire. */
public final class Timer {
    enum Kind { STARTUP, TASK_TIMEOUT, CANCEL_GRACE, KILL, RETRY, PROBE }

    final Kind kind;
    final WorkerSlot worker;
    final PoolTask<?> task;
    public final long delayNanos;
    /** The owner's handle (a {@code ScheduledFuture}); the scheduler never reads it. */
    private volatile Object handle;

    Timer(Kind kind, WorkerSlot worker, PoolTask<?> task, long delayNanos) {
        this.kind = kind;
        this.worker = worker;
        this.task = task;
        this.delayNanos = delayNanos;
    }

    /** The owner's handle for it (a {@code ScheduledFuture}), or {@code null} before it is armed. */
    public Object handle() {
        return handle;
    }

    /** Armed: the owner keeps its handle here, to cancel it. */
    public void armed(Object ownersHandle) {
        handle = ownersHandle;
    }

    @Override
    public String toString() {
        return kind + (worker == null ? "" : " " + worker) + (task == null ? "" : " " + task);
    }
}
