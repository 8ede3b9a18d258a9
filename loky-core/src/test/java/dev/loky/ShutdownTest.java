package dev.loky;

import static dev.loky.support.Futures.awaitDone;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Gate;
import dev.loky.support.Pids;
import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/** shutdown drains; shutdownNow cancels and kills; submit afterwards is rejected. */
class ShutdownTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @Test
    void shutdownDrainsQueuedAndRunningTasksThenTerminates() throws InterruptedException {
        pool = pools.create(PoolConfig.builder().name("drain").maxWorkers(1).build());
        Gate gate = Gate.in(dir, "drain");
        String started = gate.started("running");
        String release = gate.release();
        CompletableFuture<Long> running = pool.submit(() -> Tasks.holdUntil(started, release));
        CompletableFuture<String> queued1 = pool.submit(() -> "queued 1");
        CompletableFuture<String> queued2 = pool.submit(() -> "queued 2");
        long pid = gate.awaitStarted("running");

        assertTimeoutPreemptively(Duration.ofSeconds(5), pool::shutdown, "shutdown must not wait for the tasks");

        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.isTerminated()).isFalse();
        assertThat(pool.awaitTermination(Duration.ofMillis(200))).as("not terminated while a task runs").isFalse();
        assertThatThrownBy(() -> pool.submit(() -> "late")).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> pool.map(x -> x, List.of(1))).isInstanceOf(RejectedExecutionException.class);

        gate.open();
        assertThat(value(running)).isEqualTo(pid);
        assertThat(value(queued1)).isEqualTo("queued 1");
        assertThat(value(queued2)).isEqualTo("queued 2");
        assertThat(pool.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(pool.snapshot().state()).isEqualTo(PoolSnapshot.State.TERMINATED);
        Pids.awaitGone(pid);
    }

    /**
     * HotSpot's exit waits up to 300 ms for any thread in a native read. A worker used to end on one
     * of its task threads while the other sat reading the channel, so every close() of a pool of
     * idle workers took over 300 ms (318 ms measured). The fastest of three closes shows it: a
     * loaded machine may slow one, never take 300 ms off.
     */
    @Test
    void closingAPoolOfIdleWorkersDoesNotWaitOutTheirExit() throws InterruptedException {
        long fastestMillis = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 3; attempt++) {
            ProcessExecutor idle = pools.create(PoolConfig.builder().name("close-" + attempt).maxWorkers(2).build());
            Gate gate = Gate.in(dir, "close-" + attempt);
            String startedA = gate.started("a");
            String startedB = gate.started("b");
            String release = gate.release();
            CompletableFuture<Long> a = idle.submit(() -> Tasks.holdUntil(startedA, release));
            CompletableFuture<Long> b = idle.submit(() -> Tasks.holdUntil(startedB, release));
            long pidA = gate.awaitStarted("a");
            long pidB = gate.awaitStarted("b");
            assertThat(pidA).as("both workers serve").isNotEqualTo(pidB);
            gate.open();
            value(a);
            value(b);
            long start = System.nanoTime();
            idle.close();
            fastestMillis = Math.min(fastestMillis, Duration.ofNanos(System.nanoTime() - start).toMillis());
            assertThat(idle.isTerminated()).isTrue();
        }
        assertThat(fastestMillis).as("the fastest close() of two idle workers, ms").isLessThan(250);
    }

    @Test
    void shutdownNowCancelsPendingTasksAndKillsWorkers() throws InterruptedException {
        pool = pools.create(PoolConfig.builder().name("now").maxWorkers(2).build());
        Gate gate = Gate.in(dir, "now");
        String startedA = gate.started("a");
        String startedB = gate.started("b");
        String release = gate.release();
        CompletableFuture<Long> a = pool.submit(() -> Tasks.holdUntil(startedA, release));
        CompletableFuture<Long> b = pool.submit(() -> Tasks.holdUntil(startedB, release));
        CompletableFuture<String> queued = pool.submit(() -> "queued");
        long pidA = gate.awaitStarted("a");
        long pidB = gate.awaitStarted("b");

        assertTimeoutPreemptively(Duration.ofSeconds(10), pool::shutdownNow, "shutdownNow hung");

        awaitDone(a);
        awaitDone(b);
        awaitDone(queued);
        assertThat(queued).as("a queued task is cancelled").isCancelled();
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        Pids.awaitGone(pidA, pidB);
        assertThat(pool.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        assertThatThrownBy(() -> pool.submit(() -> "late")).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void closeWaitsForTermination() {
        pool = pools.create(PoolConfig.builder().name("close").maxWorkers(1).build());
        long pid = value(pool.submit(Tasks::pid));

        assertTimeoutPreemptively(Duration.ofSeconds(30), pool::close, "close hung");

        assertThat(pool.isTerminated()).isTrue();
        Pids.awaitGone(pid);
    }

    @Test
    void shutdownOfAnUnusedPoolTerminates() throws InterruptedException {
        pool = pools.create(PoolConfig.builder().name("unused").maxWorkers(2).build());
        pool.shutdown();
        assertThat(pool.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(pool.isTerminated()).isTrue();
    }
}
