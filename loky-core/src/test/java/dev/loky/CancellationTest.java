package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static dev.loky.support.PoolChecks.assertRunsNewTask;
import static dev.loky.support.PoolChecks.runOnWorkers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Gate;
import dev.loky.support.Pids;
import dev.loky.support.Tasks;

/**
 * docs/failure-semantics.md: "future.cancel(true) on a running task → cancellation; the task is interrupted; its
 * worker killed after a grace period if it ignores that". Queued tasks are simply dropped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancellationTest {

    private ProcessExecutor pool;

    @BeforeAll
    void start() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("cancel").maxWorkers(2)
                .cancelGracePeriod(Duration.ofMillis(500)).build());
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void cancellingARunningTaskThatHonoursInterruptsCancelsIt(@TempDir Path dir) {
        Gate gate = Gate.in(dir, "polite");
        String started = gate.started("polite");
        String release = gate.release();
        CompletableFuture<Long> task = pool.submit(() -> Tasks.holdUntil(started, release));
        long pid = gate.awaitStarted("polite");

        assertThat(task.cancel(true)).isTrue();

        assertThat(task).isCancelled();
        assertThat(failure(task)).isInstanceOf(CancellationException.class);
        await("the interrupted task to leave its worker").atMost(Duration.ofSeconds(20))
                .until(() -> pool.snapshot().busyWorkers() == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.snapshot().counters().cancelled() >= 1);
        assertRunsNewTask(pool);
        // the worker honoured the interrupt: it may be kept, but if it is alive it must be serving
        if (Pids.isAlive(pid)) {
            assertThat(runOnWorkers(pool, 2)).contains(pid);
        }
    }

    @Test
    void cancellingATaskThatIgnoresInterruptsKillsItsWorkerAfterTheGracePeriod(@TempDir Path dir) {
        Gate gate = Gate.in(dir, "stubborn");
        String started = gate.started("stubborn");
        CompletableFuture<Long> task = pool.submit(() -> Tasks.spinIgnoringInterrupts(started));
        long pid = gate.awaitStarted("stubborn");

        assertThat(task.cancel(true)).isTrue();

        assertThat(task).isCancelled();
        Pids.awaitGone(Duration.ofSeconds(15), pid);
        long next = assertRunsNewTask(pool);
        assertThat(next).isNotEqualTo(pid);
        assertThat(runOnWorkers(pool, 2)).doesNotContain(pid);
    }

    @Test
    void cancellingAQueuedTaskDropsIt(@TempDir Path dir) {
        Gate gate = Gate.in(dir, "queued");
        String startedA = gate.started("a");
        String startedB = gate.started("b");
        String release = gate.release();
        String marker = gate.marker("dropped");
        CompletableFuture<Long> a = pool.submit(() -> Tasks.holdUntil(startedA, release));
        CompletableFuture<Long> b = pool.submit(() -> Tasks.holdUntil(startedB, release));
        gate.awaitStarted("a");
        gate.awaitStarted("b");

        CompletableFuture<Boolean> queued = pool.submit(() -> Files.createFile(Path.of(marker)) != null);
        assertThat(pool.snapshot().queued()).isGreaterThanOrEqualTo(1);
        assertThat(queued.cancel(true)).isTrue();
        gate.open();

        value(a);
        value(b);
        assertThat(queued).isCancelled();
        // tasks run in submission order, so anything submitted after the cancelled one running
        // on both workers proves it was never sent
        runOnWorkers(pool, 2);
        assertRunsNewTask(pool);
        assertThat(Path.of(marker)).doesNotExist();
        assertThat(pool.snapshot().queued()).isZero();
    }
}
