package dev.loky;

import static dev.loky.support.Futures.value;
import static dev.loky.support.PoolChecks.assertRunsNewTask;
import static dev.loky.support.PoolChecks.runOnWorkers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Gate;
import dev.loky.support.Pids;
import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/** docs/failure-semantics.md: "resize down while busy → nothing: busy workers finish their task first"; submit never blocks. */
class ResizeTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @Test
    void shrinkingWhileBusyLetsBusyWorkersFinishAndNeverBlocksSubmit() {
        pool = pools.create(PoolConfig.builder().name("shrink").maxWorkers(2).build());
        Gate gate = Gate.in(dir, "shrink");
        String startedA = gate.started("a");
        String startedB = gate.started("b");
        String release = gate.release();
        CompletableFuture<Long> a = pool.submit(() -> Tasks.holdUntil(startedA, release));
        CompletableFuture<Long> b = pool.submit(() -> Tasks.holdUntil(startedB, release));
        long pidA = gate.awaitStarted("a");
        long pidB = gate.awaitStarted("b");

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> pool.resize(1), "resize blocked");
        CompletableFuture<String> queued = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> pool.submit(() -> "after shrink"), "submit blocked during resize");

        assertThat(pool.snapshot().maxWorkers()).isEqualTo(1);
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        gate.open();
        assertThat(value(a)).isEqualTo(pidA);
        assertThat(value(b)).isEqualTo(pidB);
        assertThat(value(queued)).isEqualTo("after shrink");

        await("the pool to shrink to one worker").atMost(Duration.ofSeconds(20))
                .until(() -> pool.snapshot().liveWorkers() <= 1 && !(Pids.isAlive(pidA) && Pids.isAlive(pidB)));
        assertRunsNewTask(pool);
    }

    @Test
    void growingAddsWorkersThatRunConcurrently() {
        pool = pools.create(PoolConfig.builder().name("grow").maxWorkers(1).build());
        assertRunsNewTask(pool);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> pool.resize(3), "resize blocked");

        assertThat(pool.snapshot().maxWorkers()).isEqualTo(3);
        assertThat(runOnWorkers(pool, 3)).hasSize(3);
    }

    @Test
    void shrinkingWithQueuedWorkLosesNothing() {
        pool = pools.create(PoolConfig.builder().name("shrink-queue").maxWorkers(2).build());
        runOnWorkers(pool, 2);
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            futures.add(pool.submit(() -> n * 2));
            if (i == 50) {
                pool.resize(1);
            }
            if (i == 150) {
                pool.resize(2);
            }
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(value(futures.get(i))).isEqualTo(i * 2);
        }
        assertThat(pool.snapshot().counters().failed()).isZero();
    }

    @Test
    void aResizeAboveTheLimitFailsNamingItAndChangesNothing() {
        pool = pools.create(PoolConfig.builder().name("limit").maxWorkers(1).maxWorkersLimit(3).build());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.resize(500))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above the pool's limit of 3");
        assertThat(pool.snapshot().maxWorkers()).isEqualTo(1);
        pool.resize(3);
        assertThat(pool.snapshot().maxWorkers()).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PoolConfig.builder().maxWorkers(5).maxWorkersLimit(3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWorkersLimit (3)");
    }

    @Test
    void growingStartsAtMostConcurrentStartsWorkersAtOnce() {
        pool = pools.create(PoolConfig.builder().name("throttle").maxWorkers(1).concurrentStarts(1).build());
        pool.resize(4);
        Gate gate = Gate.in(dir, "throttle");
        String release = gate.release();
        List<CompletableFuture<Long>> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String started = gate.started("t" + i);
            held.add(pool.submit(() -> Tasks.holdUntil(started, release)));
        }
        // sampled until all four run: never more than one launched and not yet ready
        int[] mostStarting = {0};
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).until(() -> {
            PoolSnapshot snapshot = pool.snapshot();
            long launchedStarting = snapshot.workers().stream()
                    .filter(w -> w.state() == PoolSnapshot.WorkerState.STARTING && w.pid() > 0).count();
            mostStarting[0] = Math.max(mostStarting[0], (int) launchedStarting);
            return snapshot.busyWorkers() == 4;
        });
        assertThat(mostStarting[0]).isEqualTo(1);
        gate.open();
        held.forEach(f -> value(f));
    }
}
