package dev.loky.pool;

import dev.loky.PoolConfig;
import dev.loky.RestartReason;
import dev.loky.pool.WorkerSlot.State;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The {@link Scheduler}'s worker slots: who is alive, in which state, and the two ways a slot
 * changes hands: a new worker starts ({@link #spawn}) and a worker is let go ({@link #retire}).
 * Also remembers why recent workers went, so their replacements can say so. Not thread-safe:
 * owned by the scheduler.
 */
final class WorkerRoster implements Iterable<WorkerSlot> {

    private final PoolConfig config;
    private final LongSupplier clock;
    private final Effects effects;
    private final List<WorkerSlot> slots = new ArrayList<>();
    private int nextWorkerId = 1;
    /** Why recent workers went, not yet told to a replacement (oldest first). */
    private final ArrayDeque<RestartReason> unreplaced = new ArrayDeque<>();

    WorkerRoster(PoolConfig config, LongSupplier clock, Effects effects) {
        this.config = config;
        this.clock = clock;
        this.effects = effects;
    }

    @Override
    public Iterator<WorkerSlot> iterator() {
        return slots.iterator();
    }

    List<WorkerSlot> copy() {
        return List.copyOf(slots);
    }

    boolean isEmpty() {
        return slots.isEmpty();
    }

    void remove(WorkerSlot w) {
        slots.remove(w);
    }

    /** Starts a new worker, sized for a pool of {@code poolSize}. */
    void spawn(int poolSize) {
        WorkerSlot w = new WorkerSlot(nextWorkerId++, false, unreplaced.poll(), poolSize, clock.getAsLong());
        register(w);
        effects.launch(w);
    }

    /** A slot for a worker that records the start-up cache (the pool launches it itself). */
    WorkerSlot newRecorder(int poolSize) {
        WorkerSlot recorder = new WorkerSlot(nextWorkerId++, true, null, poolSize, clock.getAsLong());
        register(recorder);
        return recorder;
    }

    private void register(WorkerSlot w) {
        slots.add(w);
        w.startupTimer = Timer.arm(effects, Timer.Kind.STARTUP, w, null, config.startupTimeout().toNanos());
    }

    /** Lets a worker go: it takes no new task from now on; it is told to exit, or killed. */
    void retire(WorkerSlot w, Leaving why, int poolSize) {
        w.state = State.RETIRING;
        w.leaving = why;
        if (why.restart != null) {
            // its replacement may start before it has exited (for waiting tasks): tell it why
            noteReplacement(why.restart, poolSize);
        }
        if (why.kill) {
            effects.kill(w);
        } else {
            effects.stop(w);
            Timer.arm(effects, Timer.Kind.KILL, w, null,
                    w.recorder ? Scheduler.RECORDER_KILL_AFTER_NANOS : Scheduler.RETIRE_KILL_AFTER_NANOS);
        }
    }

    /** Shutdown: idle workers are told to exit, starting ones are killed; busy ones finish first. */
    void retireAllIdle(int poolSize) {
        for (WorkerSlot w : List.copyOf(slots)) {
            if (w.state == State.IDLE) {
                retire(w, Leaving.SHUTDOWN, poolSize);
            } else if (w.state == State.STARTING) {
                retire(w, Leaving.KILLED, poolSize);
            }
        }
    }

    /** Remembers why a worker went, for the next worker started (shown as its last restart reason). */
    void noteReplacement(RestartReason reason, int poolSize) {
        if (unreplaced.size() >= poolSize) {
            unreplaced.poll();
        }
        unreplaced.add(reason);
    }

    WorkerSlot firstIdle() {
        for (WorkerSlot w : slots) {
            if (w.state == State.IDLE && !w.recorder) {
                return w;
            }
        }
        return null;
    }

    int countIdle() {
        int n = 0;
        for (WorkerSlot w : slots) {
            if (w.state == State.IDLE && !w.recorder) {
                n++;
            }
        }
        return n;
    }

    int countStarting() {
        int n = 0;
        for (WorkerSlot w : slots) {
            if (w.state == State.STARTING && !w.recorder) {
                n++;
            }
        }
        return n;
    }

    /** Workers that count against {@code maxWorkers} (see {@link WorkerSlot#isActive()}). */
    int countActive() {
        int n = 0;
        for (WorkerSlot w : slots) {
            if (w.isActive()) {
                n++;
            }
        }
        return n;
    }

    boolean noneStaying() {
        for (WorkerSlot w : slots) {
            if (w.isStaying()) {
                return false;
            }
        }
        return true;
    }
}
