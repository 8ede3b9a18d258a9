package dev.loky.internal.pool;

import dev.loky.internal.pool.scheduling.PoolLog;
import dev.loky.internal.pool.scheduling.Scheduler;
import dev.loky.internal.pool.scheduling.Scheduler.PoolState;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pool's one lock and the {@link Scheduler} it guards. An event takes the lock, calls the
 * scheduler, and collects the I/O the scheduler decided ({@link PoolEffects}) as actions; they run
 * after the lock is released, in the order decided, on the thread that brought the event. An event
 * fired from inside another (an action of the scheduler that itself fires one) adds its actions to
 * the outer event's, which runs them all.
 *
 * <p>Owned by {@link ProcessPool}, which makes it, the effects and the scheduler, and then
 * {@link #bind binds} them before the first event; the effects fire the channels' reports through
 * it without knowing the pool. Thread-safe: any thread may fire events.
 */
final class PoolLock {


    private static final Logger log = PoolLog.logger();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition terminated = lock.newCondition();
    /** Guarded by {@link #lock}; set once by {@link #bind}. */
    private Scheduler scheduler;
    private PoolEffects effects;
    /** A copy of the scheduler's state for lock-free reads. */
    private volatile PoolState state = PoolState.RUNNING;

    /** Before the first event: the scheduler this lock guards and the effects that collect its actions. */
    void bind(Scheduler scheduler, PoolEffects effects) {
        lock.lock();
        try {
            this.scheduler = scheduler;
            this.effects = effects;
        } finally {
            lock.unlock();
        }
    }

    /** Fires one scheduler event; see {@link #get}. */
    void run(Consumer<Scheduler> event) {
        get(s -> {
            event.accept(s);
            return null;
        });
    }

    /**
     * Fires one scheduler event under the lock, then (without the lock) the I/O it decided, in the
     * order decided; an action that fails is logged and the next one runs.
     */
    <R> R get(Function<Scheduler, R> event) {
        List<Runnable> actions;
        List<Runnable> outer;
        R result;
        lock.lock();
        outer = effects.collect(new ArrayList<>(2));
        try {
            result = event.apply(scheduler);
            state = scheduler.state();
        } finally {
            actions = effects.collect(outer);
            lock.unlock();
        }
        if (outer != null) {
            outer.addAll(actions); // a nested event: the outermost one runs the actions
            return result;
        }
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.error("loky pool action failed", e);
            }
        }
        return result;
    }

    /** Reads the scheduler's state under the lock; fires no event (so decides and runs nothing). */
    <R> R read(Function<Scheduler, R> reading) {
        lock.lock();
        try {
            return reading.apply(scheduler);
        } finally {
            lock.unlock();
        }
    }

    /** The scheduler's state after the last event, read without the lock. */
    PoolState state() {
        return state;
    }

    /** Wakes {@link #awaitTerminated}; called by the effects under the lock when the scheduler terminated. */
    void signalTerminated() {
        terminated.signalAll();
    }

    /** Waits up to {@code nanos} for the scheduler to terminate; {@code true} if it did. */
    boolean awaitTerminated(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (scheduler.state() != PoolState.TERMINATED) {
                if (left <= 0) {
                    return false;
                }
                left = terminated.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
