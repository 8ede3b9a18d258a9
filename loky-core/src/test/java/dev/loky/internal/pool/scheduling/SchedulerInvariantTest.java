package dev.loky.internal.pool.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Many random event sequences (seeded, so a failure names the seed that reproduces it), checking
 * after every event that: no task is sent to a worker known to be exiting; the workers counting
 * against the maximum never exceed it; no task is completed twice; and, after a shutdown and the
 * workers' exits, that every accepted task completed, no worker is left and the pool terminated.
 */
class SchedulerInvariantTest {

    private static final int SEQUENCES = 2_000;
    private static final int EVENTS = 150;

    @Test
    void invariantsHoldOverRandomEventSequences() {
        long base = 20261202L;
        for (int i = 0; i < SEQUENCES; i++) {
            long seed = base + i;
            try {
                run(new Random(seed));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static void run(Random random) {
        int max = 1 + random.nextInt(3);
        int spares = random.nextInt(3);
        SchedulerHarness h = new SchedulerHarness(SchedulerHarness.config(max).spares(spares)
                .workerMaxTasks(random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 0).build());
        for (int e = 0; e < EVENTS; e++) {
            step(h, random);
            h.afterEvent();
            check(h, spares);
        }
        if (random.nextBoolean()) {
            h.scheduler.shutdown();
        } else {
            h.scheduler.shutdownNow();
        }
        h.afterEvent();
        // let the world run out: workers answer, exit when told, timers fire
        for (int e = 0; e < 10_000 && h.scheduler.state() != Scheduler.PoolState.TERMINATED; e++) {
            drain(h, random);
            h.afterEvent();
            check(h, spares);
        }
        assertThat(h.scheduler.state()).as("terminated; log %s", h.log).isEqualTo(Scheduler.PoolState.TERMINATED);
        assertThat(h.scheduler.workers()).isEmpty();
        assertThat(h.processes).as("processes left").isEmpty();
        for (PoolTask<?> t : h.accepted) {
            assertThat(t.isDone()).as("%s completed", t).isTrue();
        }
    }

    private static void step(SchedulerHarness h, Random random) {
        List<WorkerSlot> live = new ArrayList<>(h.processes);
        WorkerSlot w = live.isEmpty() ? null : live.get(random.nextInt(live.size()));
        switch (random.nextInt(12)) {
            case 0, 1, 2 -> h.submit(random.nextInt(4) == 0 ? Duration.ofMillis(1 + random.nextInt(50)) : null);
            case 3, 4 -> {
                if (w != null && w.state == WorkerSlot.State.STARTING && !h.exiting.contains(w)) {
                    h.ready(w);
                }
            }
            case 5, 6 -> {
                if (w != null && !w.inFlight.isEmpty() && !h.exiting.contains(w)) {
                    h.now += random.nextInt(3) == 0 ? 5_000_000 : 20_000;
                    h.reply(w, random.nextInt(15) == 0);
                }
            }
            case 7 -> {
                if (w != null && (h.exiting.contains(w) || random.nextInt(3) == 0)) {
                    h.exit(w); // told to go, or a crash
                }
            }
            case 8 -> {
                if (!h.timers.isEmpty()) {
                    h.fire(h.timers.get(random.nextInt(h.timers.size())));
                }
            }
            case 9 -> {
                if (!h.accepted.isEmpty()) {
                    h.accepted.get(random.nextInt(h.accepted.size())).cancel(true);
                }
            }
            case 10 -> {
                if (random.nextInt(4) == 0) {
                    h.scheduler.resize(1 + random.nextInt(3));
                } else if (random.nextInt(8) == 0) {
                    h.scheduler.prestart();
                }
            }
            default -> {
                h.now += random.nextInt(2) == 0 ? 1_000_000 : 6_000_000_000L;
                h.scheduler.onIdleTick();
            }
        }
    }

    /** After shutdown: the workers do their part until nothing is left. */
    private static void drain(SchedulerHarness h, Random random) {
        for (WorkerSlot w : new ArrayList<>(h.processes)) {
            if (h.exiting.contains(w)) {
                h.exit(w);
            } else if (w.state == WorkerSlot.State.STARTING) {
                if (random.nextBoolean()) {
                    h.ready(w);
                } else {
                    h.exit(w);
                }
            } else if (!w.inFlight.isEmpty()) {
                h.reply(w, false);
            }
            h.afterEvent();
        }
        if (!h.timers.isEmpty()) {
            h.fire(h.timers.get(0));
        }
    }

    /** Spares stand by beyond {@code maxWorkers}; at most {@code maxWorkers} of the staying workers run tasks. */
    private static void check(SchedulerHarness h, int spares) {
        assertThat(h.violations).as("log %s", h.log).isEmpty();
        long active = h.scheduler.workers().stream().filter(WorkerSlot::isActive).count();
        assertThat(active).as("active workers vs max %d + %d spares", h.scheduler.maxWorkers(), spares)
                .isLessThanOrEqualTo(h.scheduler.maxWorkers() + spares);
        long running = h.scheduler.workers().stream().filter(w -> w.isActive() && w.state == WorkerSlot.State.BUSY).count();
        assertThat(running).as("workers running tasks vs max %d", h.scheduler.maxWorkers()).isLessThanOrEqualTo(h.scheduler.maxWorkers());
        for (WorkerSlot w : h.scheduler.workers()) {
            if (h.exiting.contains(w) && w.state != WorkerSlot.State.RETIRING) {
                throw new AssertionError(w + " is exiting but the scheduler has it " + w.state);
            }
        }
    }
}
