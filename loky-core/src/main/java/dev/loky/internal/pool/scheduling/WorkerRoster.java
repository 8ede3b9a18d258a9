package dev.loky.internal.pool.scheduling;

import dev.loky.PoolConfig;
import dev.loky.RestartReason;
import dev.loky.internal.pool.scheduling.WorkerSlot.State;
import org.slf4j.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@link Scheduler}'s worker slots: who is alive, in which state, and the two ways a slot
 * changes hands: a new worker starts ({@link #spawn}) and a worker is let go ({@link #retire}),
 * with the decisions of who goes: a resize ({@link #shrinkTo}), the idle timeout
 * ({@link #retireIdle}), recycling after {@code workerMaxTasks} or a leak
 * ({@link #recycleAfterTasks}), shutdown. Also remembers why recent workers went, so their
 * replacements can say so. Not thread-safe: owned by the scheduler.
 */
final class WorkerRoster implements Iterable<WorkerSlot> {

    private static final Logger log = PoolLog.logger();

    /** A worker asked to exit is killed if it has not exited after this. */
    static final long RETIRE_KILL_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A recorder writes the start-up cache as it exits, which can take a while. */
    static final long RECORDER_KILL_AFTER_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final PoolConfig config;
    private final LongSupplier clock;
    private final Effects effects;
    private final PoolCounters counters;
    private final List<WorkerSlot> slots = new ArrayList<>();
    private int nextWorkerId = 1;
    /** Why recent workers went, not yet told to a replacement (oldest first). */
    private final ArrayDeque<RestartReason> unreplaced = new ArrayDeque<>();

    WorkerRoster(PoolConfig config, LongSupplier clock, Effects effects, PoolCounters counters) {
        this.config = config;
        this.clock = clock;
        this.effects = effects;
        this.counters = counters;
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

    /**
     * Starts a new worker, sized for a pool of {@code poolSize}: launched now if fewer than
     * {@code concurrentStarts} are starting, else when its turn comes ({@link #launchWaiting}).
     */
    void spawn(int poolSize) {
        slots.add(new WorkerSlot(nextWorkerId++, false, unreplaced.poll(), poolSize, clock.getAsLong()));
        launchWaiting();
    }

    /** A slot for a worker that records the start-up cache (the pool launches it itself, at once). */
    WorkerSlot newRecorder(int poolSize) {
        WorkerSlot recorder = new WorkerSlot(nextWorkerId++, true, null, poolSize, clock.getAsLong());
        slots.add(recorder);
        armStartup(recorder);
        return recorder;
    }

    /**
     * Launches waiting slots, oldest first, while fewer than {@code concurrentStarts} workers are
     * starting: so that no resize or burst starts more JVMs at once than the machine has cores.
     * Each start's timeout begins at its launch (time spent waiting its turn is not counted).
     */
    void launchWaiting() {
        int starting = 0;
        for (WorkerSlot w : slots) {
            if (w.state == State.STARTING && w.launched) {
                starting++;
            }
        }
        for (WorkerSlot w : slots) {
            if (starting >= config.concurrentStarts()) {
                return;
            }
            if (w.state == State.STARTING && !w.launched) {
                armStartup(w);
                effects.launch(w);
                starting++;
            }
        }
    }

    private void armStartup(WorkerSlot w) {
        w.launched = true;
        w.startupTimer = effects.arm(Timer.Kind.STARTUP, w, null, config.startupTimeout().toNanos());
    }

    /** A slot still waiting its turn to start has no process: letting it go just removes it. */
    private boolean dropIfWaiting(WorkerSlot w) {
        if (w.state == State.STARTING && !w.launched) {
            w.state = State.DEAD;
            slots.remove(w);
            return true;
        }
        return false;
    }

    /** Lets a worker go: it takes no new task from now on; it is told to exit, or killed. */
    void retire(WorkerSlot w, Leaving why, int poolSize) {
        if (dropIfWaiting(w)) {
            return;
        }
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
            effects.arm(Timer.Kind.KILL, w, null,
                    w.recorder ? RECORDER_KILL_AFTER_NANOS : RETIRE_KILL_AFTER_NANOS);
        }
    }

    /**
     * A resize down to {@code newMax} with {@code beyond} spares: busy workers beyond {@code newMax}
     * leave after their tasks; then, while more than {@code newMax + beyond} remain, idle workers go
     * first, then ones still starting (those waiting their turn, then launched ones, killed: no
     * failure), then busy ones. So an idle spare stays one instead of being stopped and started again.
     */
    void shrinkTo(int newMax, int beyond) {
        int excess = countActive() - newMax - beyond;
        // more running than the new size: those leave after their tasks (the spares beyond stay)
        int running = countBusy(true);
        for (WorkerSlot w : List.copyOf(slots)) {
            if (running <= newMax) {
                break;
            }
            if (!w.recorder && w.state == State.BUSY && w.leavesAfterTasks == null) {
                w.leavesAfterTasks = Leaving.RESIZE;
                running--;
                excess--;
            }
        }
        for (int round = 0; round < 4; round++) {
            State s = round == 0 ? State.IDLE : round == 3 ? State.BUSY : State.STARTING;
            for (WorkerSlot w : List.copyOf(slots)) {
                if (excess <= 0) {
                    return;
                }
                // starting: those still waiting their turn go before those already launched
                if (!w.recorder && w.state == s && w.leavesAfterTasks == null && (s != State.STARTING || w.launched == (round == 2))) {
                    if (s == State.BUSY) {
                        w.leavesAfterTasks = Leaving.RESIZE;
                    } else {
                        retire(w, s == State.STARTING ? Leaving.KILLED : Leaving.RESIZE, newMax);
                    }
                    excess--;
                }
            }
        }
    }

    /** The idle timeout: retires workers idle for {@code limitNanos} or longer, keeping {@code keep} idle ones. */
    void retireIdle(long now, long limitNanos, int keep, int poolSize) {
        int idle = countIdle();
        for (WorkerSlot w : List.copyOf(slots)) {
            if (w.state == State.IDLE && now - w.idleSinceNanos >= limitNanos && idle-- > keep) {
                log.debug("{} idle for {}; retiring it", w, config.idleTimeout());
                retire(w, Leaving.IDLE, poolSize);
            }
        }
    }

    /**
     * After a task: a worker that ran {@code workerMaxTasks} tasks, or whose memory leaks
     * ({@code leak} names the figures; {@code null} = no leak), leaves once its tasks are done.
     * Decided (and logged) once per worker.
     */
    void recycleAfterTasks(WorkerSlot w, String leak) {
        if (w.leavesAfterTasks != null) {
            return;
        }
        if (config.workerMaxTasks() > 0 && w.tasksDone >= config.workerMaxTasks()) {
            log.info("{} ran {} tasks (workerMaxTasks); recycling it", w, w.tasksDone);
            w.leavesAfterTasks = Leaving.MAX_TASKS;
        } else if (leak != null) {
            logLeak(w, leak);
            w.leavesAfterTasks = Leaving.MEMORY_LEAK;
        }
    }

    /** A native-memory leak found between tasks: an idle worker is recycled now (a busy one after its task). */
    void recycleIfIdle(WorkerSlot w, String leak, int poolSize) {
        if (w.state == State.IDLE) {
            logLeak(w, leak);
            retire(w, Leaving.MEMORY_LEAK, poolSize);
        }
    }

    /** The one log line of a leak-triggered recycle, with its figures. */
    private static void logLeak(WorkerSlot w, String leak) {
        log.warn("{} leaks memory: {}; recycling it between tasks (nothing is lost)", w, leak);
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

    /** {@code shutdownNow}: every worker still alive is killed. */
    void killAll() {
        for (WorkerSlot w : List.copyOf(slots)) {
            if (!dropIfWaiting(w) && w.state != State.DEAD) {
                w.state = State.RETIRING;
                w.leaving = Leaving.KILLED;
                effects.kill(w);
            }
        }
    }

    /**
     * A worker that had started is gone: says why ({@link Leaving#CRASHED} unless it was planned),
     * counts it ({@code loky.worker.crashes}, {@code loky.worker.restarts}) and remembers it for its
     * replacement.
     */
    Leaving departed(WorkerSlot w, int poolSize) {
        boolean planned = w.leaving != null;
        Leaving why = planned ? w.leaving : Leaving.CRASHED;
        w.leaving = why;
        if (why.isCrash()) {
            counters.crashes.incrementAndGet();
        }
        if (why.restart != null) {
            counters.restarted(why.restart);
            if (!planned) {
                noteReplacement(why.restart, poolSize); // a planned departure noted it when it was decided
            }
        }
        return why;
    }

    /** Remembers why a worker went, for the next worker started (shown as its last restart reason). */
    private void noteReplacement(RestartReason reason, int poolSize) {
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

    /** Workers running tasks (leaving ones included: they still run theirs). */
    int countBusy() {
        return countBusy(false);
    }

    /** Workers running tasks; with {@code stayingOnly}, not those that leave after them. */
    private int countBusy(boolean stayingOnly) {
        int n = 0;
        for (WorkerSlot w : slots) {
            if (w.state == State.BUSY && !w.recorder && (!stayingOnly || w.leavesAfterTasks == null)) {
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
