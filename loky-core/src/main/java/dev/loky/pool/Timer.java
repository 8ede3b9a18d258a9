package dev.loky.pool;

/** A delayed event; stale timers (their worker or task moved on) are ignored when they fire. */
final class Timer {
    enum Kind { STARTUP, TASK_TIMEOUT, CANCEL_GRACE, KILL, RETRY, PROBE }

    final Kind kind;
    final WorkerSlot worker;
    final PoolTask<?> task;
    final long delayNanos;
    /** The owner's handle (a {@code ScheduledFuture}); the scheduler never reads it. */
    volatile Object handle;

    Timer(Kind kind, WorkerSlot worker, PoolTask<?> task, long delayNanos) {
        this.kind = kind;
        this.worker = worker;
        this.task = task;
        this.delayNanos = delayNanos;
    }

    @Override
    public String toString() {
        return kind + (worker == null ? "" : " " + worker) + (task == null ? "" : " " + task);
    }
}
