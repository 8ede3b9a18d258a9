package dev.loky.internal.pool.scheduling;

import dev.loky.TaskOutcome;
import dev.loky.internal.protocol.ItemProgress;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A submitted task and the future its caller holds. {@link #cancel(boolean)} tells the pool, which
 * drops the task if it is queued or interrupts it in its worker if it runs.
 *
 * <p>Fields other than the final ones are owned by the pool and touched only under its lock.
 */
public final class PoolTask<T> extends CompletableFuture<T> {

    /** What a pool must do when a task's caller cancels it. */
    public interface CancelHandler {
        void cancelled(PoolTask<?> task);
    }

    public final long id;
    /** The serialized task until it is sent; then {@code null}. Written by the sending thread only. */
    private byte[] payload;
    /**
     * A task too big for one frame ({@link dev.loky.internal.protocol.StreamedValues}): the task itself, serialized
     * straight to the worker's channel when it is sent (again if it must run elsewhere); else {@code null}.
     */
    private volatile Object streamed;
    /** Why the streamed task could not be serialized while it was being sent; its worker's reply fails it with this. */
    private volatile Throwable sendFailure;
    public final Duration timeout;
    public final String description;
    public final long submittedNanos = System.nanoTime();
    private final CancelHandler onCancel;
    /** Set by whoever completes the task first ({@link #claim()}). */
    private final AtomicBoolean settled = new AtomicBoolean();

    /** The worker it was handed to, or {@code null} while queued. Pool lock. */
    WorkerSlot worker;
    /** The pid of the worker it was last handed to ({@code -1}: none), for {@code taskCompleted}. */
    volatile long workerPid = -1;
    /** The pending timeout, if any. Pool lock. */
    Timer timeoutTimer;
    /** Told of its items' progress while it runs (a map chunk), or {@code null}; called on its worker's reader thread. */
    private volatile ItemProgress itemProgress;

    /** A running task's items so far, as its worker reported them. */
    public interface ItemProgress {
        void onItems(int ran, int failed);
    }

    /** The serialized task until it is sent; {@code null} after. */
    public byte[] payload() {
        return payload;
    }

    /** The task to stream to its worker when it is sent (too big for one frame), or {@code null}. */
    public Object streamed() {
        return streamed;
    }

    /** Sends the task itself, streamed, instead of a payload; before it is queued. */
    public void streamAs(Object task) {
        streamed = task;
    }

    /** Its result is in: the task's bytes are no longer needed (it will not run again). */
    public void releasePayload() {
        payload = null;
        streamed = null;
    }

    /** Why the streamed task could not be serialized while it was being sent, or {@code null}. */
    public Throwable sendFailure() {
        return sendFailure;
    }

    /** Streaming it to its worker failed; its worker's reply fails it with this. The sending thread. */
    public void sendFailed(Throwable failure) {
        sendFailure = failure;
    }

    /** It was handed to the worker with this pid (for {@code taskCompleted}). */
    public void handedTo(long pid) {
        workerPid = pid;
    }

    /** Who is told of its items' progress while it runs, or {@code null}. */
    public ItemProgress itemProgress() {
        return itemProgress;
    }

    /** Tells {@code listener} of its items' progress while it runs (a map chunk); before it is submitted. */
    public void reportItemsTo(ItemProgress listener) {
        itemProgress = listener;
    }

    public PoolTask(long id, byte[] payload, Duration timeout, String description, CancelHandler onCancel) {
        this.id = id;
        this.payload = payload;
        this.timeout = timeout;
        this.description = description;
        this.onCancel = onCancel;
    }

    /**
     * Claims the right to complete this task: {@code true} for exactly one caller (the pool with a
     * result, or the caller cancelling). The winner counts the outcome and then completes the future,
     * so that counters already include a task by the time anyone can see it done.
     */
    private boolean claim() {
        return settled.compareAndSet(false, true);
    }

    /**
     * The one place the pools complete a task's future, with its value or its error: claims it, has
     * it counted (before anyone can see it done), completes the future, and has the listeners told.
     * {@code false} when another path got there first (a task completes exactly once).
     */
    @SuppressWarnings("unchecked")
    public boolean finish(Object value, Throwable error, PoolCounters counters) {
        if (!claim()) {
            return false;
        }
        counters.count(error);
        if (error == null) {
            super.complete((T) value);
        } else {
            super.completeExceptionally(error);
        }
        counters.tellFinished(this, error);
        return true;
    }

    @Override
    public boolean complete(T value) {
        return claim() && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable error) {
        return claim() && super.completeExceptionally(error);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!claim()) {
            return false;
        }
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        onCancel.cancelled(this);
        return cancelled;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - submittedNanos);
    }

    /** Outcome of a completed future, for metrics. */
    static TaskOutcome outcomeOf(Throwable error) {
        if (error == null) {
            return TaskOutcome.SUCCESS;
        }
        if (error instanceof java.util.concurrent.CancellationException) {
            return TaskOutcome.CANCELLED;
        }
        if (error instanceof dev.loky.TaskTimeoutException) {
            return TaskOutcome.TIMEOUT;
        }
        if (error instanceof dev.loky.TerminatedWorkerException) {
            return TaskOutcome.CRASH;
        }
        return TaskOutcome.ERROR;
    }

    @Override
    public String toString() {
        return "task #" + id + " (" + description + ")";
    }
}
