package dev.loky.internal.pool.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.RestartReason;
import dev.loky.internal.pool.scheduling.WorkerSlot.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CancellationException;

/** One event at a time: what the scheduler decides for each event, read from the effects it asks for. */
class SchedulerTest {

    private SchedulerHarness h = new SchedulerHarness(SchedulerHarness.config(2).build());

    /** Submits one task and gets worker 1 ready and running it. */
    private PoolTask<Object> runningOnWorker1() {
        PoolTask<Object> task = h.submit();
        h.ready(h.worker(1));
        return task;
    }

    @Test
    void submittedWithNoWorkerStartsOneAndSendsNothing() {
        h.submit();
        assertThat(h.log).containsExactly("launch 1");
        assertThat(h.scheduler.queued()).isEqualTo(1);
    }

    @Test
    void aTaskAnnouncedBeforeItsSubmitStartsTheFirstWorkerOnlyOnce() {
        h.scheduler.expectTask();
        assertThat(h.log).containsExactly("launch 1");
        h.submit();
        h.scheduler.expectTask();
        assertThat(h.log).containsExactly("launch 1");
        h.ready(h.worker(1));
        assertThat(h.log).containsExactly("launch 1", "send t1 to 1");
    }

    @Test
    void readyWorkerGetsTheWaitingTask() {
        runningOnWorker1();
        assertThat(h.log).containsExactly("launch 1", "send t1 to 1");
        assertThat(h.worker(1).state).isEqualTo(State.BUSY);
    }

    @Test
    void replyFreesTheWorkerAndReturnsTheTask() {
        PoolTask<Object> task = runningOnWorker1();
        assertThat(h.reply(h.worker(1), false)).isSameAs(task);
        assertThat(task).isCompletedWithValue("ok");
        assertThat(h.worker(1).state).isEqualTo(State.IDLE);
    }

    @Test
    void aStaleReplyIsIgnored() {
        PoolTask<Object> task = runningOnWorker1();
        assertThat(h.scheduler.onReply(h.worker(1), task.id + 100, null, false)).isNull();
        assertThat(h.worker(1).state).isEqualTo(State.BUSY);
    }

    @Test
    void exitWhileBusyLosesOnlyItsTaskAndStartsAReplacement() {
        PoolTask<Object> task = runningOnWorker1();
        Departure d = h.exit(h.worker(1));
        assertThat(d.lost()).isSameAs(task);
        assertThat(d.why()).isEqualTo(Leaving.CRASHED);
        assertThat(h.counters.crashes.get()).isEqualTo(1);
        assertThat(h.log).endsWith("launch 2");
    }

    @Test
    void timeoutFailsTheTaskAndKillsItsWorker() {
        h.submit(Duration.ofSeconds(1));
        h.ready(h.worker(1));
        Timer timeout = h.timers.stream().filter(t -> t.kind == Timer.Kind.TASK_TIMEOUT).findFirst().orElseThrow();
        h.fire(timeout);
        assertThat(h.log).contains("timedOut t1 on 1", "kill 1");
        assertThat(h.exit(h.worker(1)).why()).isEqualTo(Leaving.TIMEOUT);
        assertThat(h.counters.snapshot(0).restarts()).containsEntry("timeout", 1L);
    }

    @Test
    void cancellingAQueuedTaskDropsIt() {
        PoolTask<Object> task = h.submit();
        task.cancel(true);
        assertThat(h.scheduler.queued()).isZero();
        h.ready(h.worker(1));
        assertThat(h.log).doesNotContain("send t1 to 1");
    }

    @Test
    void aRunningTaskThatIgnoresItsCancelGetsItsWorkerKilledCountedAsCancelIgnored() {
        PoolTask<Object> task = runningOnWorker1();
        task.cancel(true);
        assertThat(h.log).contains("cancel t1 on 1");
        h.fire(h.timers.stream().filter(t -> t.kind == Timer.Kind.CANCEL_GRACE).findFirst().orElseThrow());
        assertThat(h.log).contains("kill 1");
        assertThat(h.exit(h.worker(1)).why()).isEqualTo(Leaving.CANCEL_IGNORED);
        assertThat(h.counters.snapshot(0).restarts()).containsEntry(RestartReason.CANCEL_IGNORED.tag(), 1L)
                .doesNotContainKey("timeout");
    }

    @Test
    void outOfMemoryRetiresTheWorkerAndRequeuesWhatWasSentAhead() {
        PoolTask<Object> first = runningOnWorker1();
        h.reply(h.worker(1), false); // one short task: the pool now sends ahead
        PoolTask<Object> oom = h.submit();
        PoolTask<Object> ahead = h.submit();
        assertThat(h.worker(1).inFlight).containsExactly(oom, ahead);

        h.reply(h.worker(1), true);

        assertThat(h.worker(1).state).isEqualTo(State.RETIRING);
        assertThat(h.worker(1).inFlight).isEmpty();
        assertThat(ahead.worker).isNotSameAs(h.worker(1));
        h.submit(); // the next task does not go to the leaving worker either
        assertThat(h.violations).isEmpty();
        assertThat(first).isDone();
        Departure d = h.exit(h.worker(1));
        assertThat(d.lost()).isNull();
        assertThat(d.why().isCrash()).isTrue();
        assertThat(ahead).isNotDone();
    }

    @Test
    void maxTasksRecyclesAfterTheTask() {
        h = new SchedulerHarness(SchedulerHarness.config(1).workerMaxTasks(1).build());
        runningOnWorker1();
        h.reply(h.worker(1), false);
        assertThat(h.log).endsWith("stop 1");
        assertThat(h.worker(1).leaving).isEqualTo(Leaving.MAX_TASKS);
    }

    @Test
    void resizeDownStopsIdleWorkersFirstAndLetsBusyOnesFinish() {
        h.submit();
        h.submit();
        h.ready(h.worker(1));
        h.ready(h.worker(2));
        h.reply(h.worker(2), false);
        h.scheduler.resize(1);
        assertThat(h.log).endsWith("stop 2");
        h.scheduler.resize(1);
        assertThat(h.worker(1).state).isEqualTo(State.BUSY);
    }

    @Test
    void idleTickRetiresWorkersIdleLongerThanTheTimeout() {
        runningOnWorker1();
        h.reply(h.worker(1), false);
        h.scheduler.onIdleTick();
        assertThat(h.log).doesNotContain("stop 1");
        h.now += Duration.ofSeconds(11).toNanos();
        h.scheduler.onIdleTick();
        assertThat(h.log).endsWith("stop 1");
    }

    @Test
    void aFailedStartWithNoWorkerLeftFailsTheWaitingTasksAndBacksOff() {
        PoolTask<Object> task = h.submit();
        Departure d = h.exit(h.worker(1));
        assertThat(d.failedWithStartup()).containsExactly(task);
        assertThat(h.scheduler.consecutiveStartupFailures()).isEqualTo(1);
        h.submit();
        assertThat(h.log).containsExactly("launch 1"); // backing off: a retry timer, no new launch yet
        assertThat(h.timers).anyMatch(t -> t.kind == Timer.Kind.RETRY);
    }

    @Test
    void shutdownLetsRunningTasksFinishThenTerminates() {
        PoolTask<Object> task = runningOnWorker1();
        h.scheduler.shutdown();
        assertThat(h.submit().isDone()).isFalse();
        assertThat(h.accepted).containsExactly(task);
        h.reply(h.worker(1), false);
        assertThat(h.log).endsWith("stop 1");
        h.exit(h.worker(1));
        assertThat(h.log).endsWith("terminated");
        assertThat(h.scheduler.state()).isEqualTo(Scheduler.PoolState.TERMINATED);
    }

    @Test
    void shutdownNowKillsWorkersAndCancelsEveryTask() {
        PoolTask<Object> running = runningOnWorker1();
        PoolTask<Object> queued = h.submit();
        h.scheduler.shutdownNow();
        h.afterEvent();
        assertThat(running).isCancelled();
        assertThat(queued).isCancelled();
        assertThat(h.log).contains("kill 1");
        h.exit(h.worker(1));
        h.exit(h.worker(2));
        assertThat(h.scheduler.state()).isEqualTo(Scheduler.PoolState.TERMINATED);
        assertThat(h.violations).isEmpty();
        assertThat(queued.isCompletedExceptionally()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(queued::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void sparesStandByBesideTheBusyWorkersBeyondTheMaximumButNeverRunTasksBeyondIt() {
        h = new SchedulerHarness(SchedulerHarness.config(3).spares(1).build());
        h.submit();
        assertThat(h.log).containsExactly("launch 1", "launch 2");
        h.ready(h.worker(1));
        h.ready(h.worker(2));
        h.submit();
        assertThat(h.log).endsWith("send t2 to 2", "launch 3");
        h.ready(h.worker(3));
        h.submit(); // all three may run: the spare stands by beyond them (docs/spring.md, loky.worker.spares: spares are beyond max-workers)
        assertThat(h.log).endsWith("send t3 to 3", "launch 4");
        h.ready(h.worker(4));
        PoolTask<Object> fourth = h.submit(); // three run: the fourth task waits, the spare does not take it
        assertThat(fourth.worker).isNull();
        assertThat(h.log).doesNotContain("launch 5").doesNotContain("send t4 to 4");
    }

    /** A resize down lets the busy workers beyond the new size finish and leave; the idle spare stays a spare. */
    @Test
    void resizeDownKeepsTheIdleSpare() {
        h = new SchedulerHarness(SchedulerHarness.config(2).spares(1).build());
        h.submit();
        h.ready(h.worker(1));
        h.ready(h.worker(2));
        h.submit(); // both run: a third stands by
        h.ready(h.worker(3));
        assertThat(h.worker(3).state).isEqualTo(State.IDLE);
        h.scheduler.resize(1);
        assertThat(h.log).doesNotContain("stop 3");
        assertThat(h.worker(3).state).isEqualTo(State.IDLE);
        assertThat(h.scheduler.workers().stream().filter(w -> w.state == State.BUSY && w.leavesAfterTasks == null)).hasSize(1);
    }

    @Test
    void aCrashedBusyWorkerIsReplacedByTheWaitingSpareAndANewSpareStarts() {
        h = new SchedulerHarness(SchedulerHarness.config(3).spares(1).build());
        h.submit();
        h.ready(h.worker(1));
        h.ready(h.worker(2));
        h.exit(h.worker(1));
        PoolTask<Object> next = h.submit();
        assertThat(next.worker).isSameAs(h.worker(2)); // served at once, no start-up on its path
        assertThat(h.log).contains("launch 3");
    }

    @Test
    void idleTimeoutKeepsTheSpares() {
        h = new SchedulerHarness(SchedulerHarness.config(2).spares(1).build());
        h.submit();
        h.ready(h.worker(1));
        h.ready(h.worker(2));
        h.reply(h.worker(1), false);
        h.now += Duration.ofSeconds(11).toNanos();
        h.scheduler.onIdleTick();
        assertThat(h.log.stream().filter(l -> l.startsWith("stop"))).hasSize(1);
    }

    @Test
    void aPlannedRecycleStartsItsReplacementBeforeTheOldWorkerGoes() {
        h = new SchedulerHarness(SchedulerHarness.config(2).spares(1).workerMaxTasks(1).build());
        h.submit();
        h.ready(h.worker(1));
        h.ready(h.worker(2));
        h.reply(h.worker(1), false);
        assertThat(h.log).endsWith("stop 1");
        PoolTask<Object> next = h.submit();
        assertThat(next.worker).isSameAs(h.worker(2)); // the warm spare takes over at once
        assertThat(h.log).endsWith("launch 3"); // and the next spare starts while worker 1 still exits
        assertThat(h.processes).contains(h.worker(1));
    }

    @Test
    void afterPrestartThePoolKeepsItsSize() {
        h.scheduler.prestart();
        assertThat(h.log).containsExactly("launch 1", "launch 2");
        h.ready(h.worker(1));
        h.exit(h.worker(2)); // a failed start: retried after the back-off, not at once
        assertThat(h.log).containsExactly("launch 1", "launch 2");
        h.fire(h.timers.stream().filter(t -> t.kind == Timer.Kind.RETRY).findFirst().orElseThrow());
        assertThat(h.log).endsWith("launch 3");
        h.ready(h.worker(3));
        h.exit(h.worker(1)); // an idle worker dies: replaced
        assertThat(h.log).endsWith("launch 4");
        h.now += Duration.ofSeconds(11).toNanos();
        h.scheduler.onIdleTick();
        assertThat(h.log).noneMatch(l -> l.startsWith("stop"));
    }

    @Test
    void atMostConcurrentStartsWorkersStartAtOnceAndTheRestWaitTheirTurn() {
        h = new SchedulerHarness(SchedulerHarness.config(5).concurrentStarts(2).build());
        for (int i = 0; i < 5; i++) {
            h.submit();
        }
        assertThat(h.log).containsExactly("launch 1", "launch 2");
        assertThat(h.scheduler.workers()).hasSize(5);
        // a waiting start's timeout has not begun: only the two launched starts have a timer
        assertThat(h.timers).filteredOn(t -> t.kind == Timer.Kind.STARTUP).hasSize(2);
        h.ready(h.worker(1));
        assertThat(h.log).containsExactly("launch 1", "launch 2", "send t1 to 1", "launch 3");
        h.exit(h.worker(2)); // a failed start frees its turn too
        assertThat(h.log).contains("launch 4");
        assertThat(h.log).doesNotContain("launch 5");
    }

    @Test
    void aWorkerStillWaitingToStartIsDroppedWithoutAProcess() {
        h = new SchedulerHarness(SchedulerHarness.config(4).concurrentStarts(1).build());
        for (int i = 0; i < 4; i++) {
            h.submit();
        }
        assertThat(h.log).containsExactly("launch 1");
        h.scheduler.resize(1);
        assertThat(h.scheduler.workers()).hasSize(1);
        h.scheduler.shutdownNow();
        h.afterEvent();
        assertThat(h.log).filteredOn(line -> !line.startsWith("cancelFuture")).containsExactly("launch 1", "kill 1");
        h.exit(h.worker(1));
        assertThat(h.scheduler.state()).isEqualTo(Scheduler.PoolState.TERMINATED);
        assertThat(h.violations).isEmpty();
    }
}
