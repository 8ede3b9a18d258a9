package dev.loky.internal.pool.scheduling;

import dev.loky.PoolConfig;
import dev.loky.WorkerStartupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives a {@link Scheduler} single-threaded, the way {@code ProcessPool} does, with a fake clock
 * and a record of every effect. Plays the workers' side: it knows which processes exist and which
 * are exiting (killed, told to stop, or halting after an OutOfMemoryError), and it completes the
 * futures as the pool would, counting every completion attempt per task.
 */
final class SchedulerHarness implements Effects {

    long now = 1_000_000_000L;
    final PoolCounters counters = new PoolCounters(List.of());
    final Scheduler scheduler;
    final List<String> log = new ArrayList<>();

    /** Launched processes that have not exited yet (recorders never appear: there is no cache here). */
    final Set<WorkerSlot> processes = new LinkedHashSet<>();
    /** Processes that will exit: killed, stopped, or halting after an OutOfMemoryError. */
    final Set<WorkerSlot> exiting = new LinkedHashSet<>();
    final List<Timer> timers = new ArrayList<>();
    final List<PoolTask<?>> accepted = new ArrayList<>();
    /** How often the pool tried to complete each task (a reply, a crash, a timeout, a failed start, shutdownNow). */
    final Map<PoolTask<?>, Integer> completions = new IdentityHashMap<>();
    final List<String> violations = new ArrayList<>();
    private final Set<PoolTask<?>> cancelledByCaller = new HashSet<>();
    private long ids;
    private final List<PoolTask<?>> toCancel = new ArrayList<>();

    SchedulerHarness(PoolConfig config) {
        this.scheduler = new Scheduler(config, () -> now, this, counters);
    }

    static PoolConfig.Builder config(int maxWorkers) {
        return PoolConfig.builder().name("harness").maxWorkers(maxWorkers).idleTimeout(Duration.ofSeconds(10))
                .startupTimeout(Duration.ofSeconds(5)).cancelGracePeriod(Duration.ofSeconds(1))
                .maxWorkersLimit(1000).concurrentStarts(1000);
    }

    // ------------------------------------------------------------------ driving

    PoolTask<Object> submit(Duration timeout) {
        PoolTask<Object> task = new PoolTask<>(++ids, new byte[] {1}, timeout, "t" + ids, this::onCallerCancel);
        if (scheduler.submit(task)) {
            accepted.add(task);
        }
        return task;
    }

    PoolTask<Object> submit() {
        return submit(null);
    }

    private void onCallerCancel(PoolTask<?> task) {
        cancelledByCaller.add(task);
        scheduler.onCancel(task);
    }

    void ready(WorkerSlot w) {
        scheduler.onReady(w);
    }

    /** The worker answers its running task (as the reader thread does), and the future completes. */
    PoolTask<?> reply(WorkerSlot w, boolean outOfMemory) {
        PoolTask<?> head = w.inFlight.peek();
        if (head == null) {
            throw new IllegalStateException(w + " runs nothing");
        }
        now += 10_000; // a short task: 10 us
        if (outOfMemory) {
            exiting.add(w); // the worker halts right after this answer
        }
        PoolTask<?> task = scheduler.onReply(w, head.id, null, outOfMemory);
        if (task != null) {
            complete(task, outOfMemory ? new OutOfMemoryError("test") : null);
        }
        return task;
    }

    /** The process exits (on its own, or because it was told to). */
    Departure exit(WorkerSlot w) {
        processes.remove(w);
        exiting.remove(w);
        Departure d = scheduler.onExit(w, timedOut -> new WorkerStartupException("could not start", "", null));
        if (d.lost() != null) {
            complete(d.lost(), new IllegalStateException("died"));
        }
        for (PoolTask<?> t : d.failedWithStartup()) {
            complete(t, d.startupError());
        }
        return d;
    }

    void fire(Timer timer) {
        timers.remove(timer);
        now = Math.max(now, timer.handle() == null ? now : (long) timer.handle());
        scheduler.onTimer(timer);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void complete(PoolTask task, Throwable error) {
        completions.merge(task, 1, Integer::sum);
        if (completions.get(task) > 1) {
            violations.add(task + " completed " + completions.get(task) + " times");
        }
        if (error == null) {
            task.complete("ok");
        } else {
            task.completeExceptionally(error);
        }
    }

    WorkerSlot worker(int id) {
        for (WorkerSlot w : processes) {
            if (w.id == id) {
                return w;
            }
        }
        throw new IllegalStateException("no process for worker " + id + " in " + processes);
    }

    // ------------------------------------------------------------------ Effects

    @Override
    public void launch(WorkerSlot w) {
        log.add("launch " + w.id);
        if (!processes.add(w)) {
            violations.add(w + " launched twice");
        }
    }

    @Override
    public void send(WorkerSlot w, PoolTask<?> task) {
        log.add("send " + task.description + " to " + w.id);
        if (exiting.contains(w) || !processes.contains(w)) {
            violations.add(task + " sent to " + w + ", which is exiting or gone");
        }
        if (w.state != WorkerSlot.State.BUSY) {
            violations.add(task + " sent to " + w + " in state " + w.state);
        }
    }

    @Override
    public void sendCancel(WorkerSlot w, PoolTask<?> task) {
        log.add("cancel " + task.description + " on " + w.id);
    }

    @Override
    public void stop(WorkerSlot w) {
        log.add("stop " + w.id);
        exiting.add(w);
    }

    @Override
    public void kill(WorkerSlot w) {
        log.add("kill " + w.id);
        if (processes.contains(w)) {
            exiting.add(w);
        }
    }

    @Override
    public void schedule(Timer timer) {
        timer.armed(now + timer.delayNanos); // when it is due
        timers.add(timer);
    }

    @Override
    public void unschedule(Timer timer) {
        if (timer != null) {
            timers.remove(timer);
        }
    }

    @Override
    public void unresponsive(PoolTask<?> task, WorkerSlot w) {
        log.add("unresponsive " + task.description + " on " + w.id);
        complete(task, new IllegalStateException("unresponsive"));
    }

    @Override
    public void unreadable(PoolTask<?> task, WorkerSlot w) {
        log.add("unreadable " + task.description + " on " + w.id);
        complete(task, new IllegalStateException("unreadable"));
    }

    @Override
    public void cancelFuture(PoolTask<?> task, WorkerSlot runningOn) {
        log.add("cancelFuture " + task.description);
        toCancel.add(task); // the pool cancels after releasing its lock: never from inside an event
    }

    /** Runs the cancellations the last event asked for, as the pool does after its lock. */
    void afterEvent() {
        while (!toCancel.isEmpty()) {
            PoolTask<?> task = toCancel.remove(0);
            completions.merge(task, 1, Integer::sum);
            if (completions.get(task) > 1) {
                violations.add(task + " completed " + completions.get(task) + " times");
            }
            task.cancel(true);
        }
    }

    @Override
    public void timedOut(PoolTask<?> task, WorkerSlot w) {
        log.add("timedOut " + task.description + " on " + w.id);
        complete(task, new IllegalStateException("timeout"));
    }

    @Override
    public void memoryCheckDue(WorkerSlot w) {
    }

    @Override
    public void terminated() {
        log.add("terminated");
    }

    boolean cancelledByCaller(PoolTask<?> task) {
        return cancelledByCaller.contains(task);
    }
}
