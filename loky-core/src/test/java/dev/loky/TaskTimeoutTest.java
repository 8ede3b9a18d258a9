package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static dev.loky.support.PoolChecks.assertRunsNewTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Gate;
import dev.loky.support.Pids;
import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/** docs/failure-semantics.md: "task exceeds its timeout → TaskTimeoutException; worker killed and replaced". */
class TaskTimeoutTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @Test
    void poolTaskTimeoutKillsAndReplacesTheWorker() {
        Duration timeout = Duration.ofSeconds(1);
        pool = pools.create(PoolConfig.builder().name("timeout").maxWorkers(2).taskTimeout(timeout).build());
        Gate gate = Gate.in(dir, "pool-timeout");
        String started = gate.started("slow");
        String release = gate.release();

        CompletableFuture<Long> slow = pool.submit(() -> Tasks.holdUntil(started, release));
        long pid = gate.awaitStarted("slow");

        TaskTimeoutException e = failure(slow, TaskTimeoutException.class);
        assertThat(e.timeout()).isEqualTo(timeout);
        Pids.awaitGone(pid);
        assertThat(assertRunsNewTask(pool)).isNotEqualTo(pid);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(pool.snapshot().counters().restarts()).containsKey(RestartReason.TIMEOUT.tag()));
    }

    @Test
    void perTaskTimeoutOverridesThePoolsInBothDirections() {
        pool = pools.create(PoolConfig.builder().name("timeout-override").maxWorkers(2)
                .taskTimeout(Duration.ofSeconds(1)).build());
        Gate gate = Gate.in(dir, "override");
        String shortStarted = gate.started("short");
        String longStarted = gate.started("long");
        String release = gate.release();

        // no pool timeout would catch this one within the test's patience: its own timeout must
        CompletableFuture<Long> shortOne = pool.submit(() -> Tasks.holdUntil(shortStarted, release), Duration.ofMillis(500));
        long shortPid = gate.awaitStarted("short");
        TaskTimeoutException e = failure(shortOne, TaskTimeoutException.class);
        assertThat(e.timeout()).isEqualTo(Duration.ofMillis(500));
        Pids.awaitGone(shortPid);

        // a longer per-task timeout lets the task outlive the pool's 1 s
        CompletableFuture<Long> longOne = pool.submit(() -> Tasks.holdUntil(longStarted, release), Duration.ofSeconds(60));
        long longPid = gate.awaitStarted("long");
        await("the task outlives the pool's timeout").during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> !longOne.isDone());
        gate.open();
        assertThat(value(longOne)).isEqualTo(longPid);
        assertRunsNewTask(pool);
    }

    @Test
    void submitWithTimeoutOnAPoolWithoutOne() {
        pool = pools.create(PoolConfig.builder().name("timeout-per-task").maxWorkers(1).build());
        Gate gate = Gate.in(dir, "per-task");
        String started = gate.started("slow");
        String release = gate.release();

        CompletableFuture<Long> slow = pool.submit(() -> Tasks.holdUntil(started, release), Duration.ofMillis(700));
        long pid = gate.awaitStarted("slow");

        failure(slow, TaskTimeoutException.class);
        Pids.awaitGone(pid);
        assertThat(assertRunsNewTask(pool)).isNotEqualTo(pid);
    }

    @Test
    void timeoutClockStartsWhenTheWorkerReceivesTheTaskNotAtSubmit() {
        // the initializer makes each worker take 2 s to become ready; the task itself is instant
        pool = pools.create(PoolConfig.builder().name("timeout-cold").maxWorkers(1)
                .initializer(() -> Tasks.slowInitialization(2000))
                .taskTimeout(Duration.ofSeconds(1))
                .build());

        assertThat(value(pool.submit(() -> "quick"))).isEqualTo("quick");
    }

    @Test
    void mapChunkTimeoutFailsTheMap() {
        pool = pools.create(PoolConfig.builder().name("timeout-map").maxWorkers(2).build());
        Gate gate = Gate.in(dir, "map");
        String started = gate.started("stuck");
        String release = gate.release();
        List<Integer> items = IntStream.range(0, 20).boxed().toList();

        assertThatThrownBy(() -> pool.map(i -> i == 13 ? Tasks.holdUnchecked(started, release) : (long) i, items,
                        MapOptions.defaults().chunkSize(1).taskTimeout(Duration.ofMillis(800))))
                .isInstanceOf(TaskTimeoutException.class);
        assertRunsNewTask(pool);
    }
}
