package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static dev.loky.support.PoolChecks.assertRunsNewTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Gate;
import dev.loky.support.Pids;
import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/**
 * A frozen worker is noticed: SIGSTOP of a busy worker whose task has no timeout. Before the
 * heartbeat, its call stayed pending forever (state BUSY); now the worker is killed after the
 * heartbeat timeout and only its task fails, saying the worker stopped responding.
 */
class HeartbeatTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @Test
    void aWorkerFrozenBySigstopIsKilledAndOnlyItsTaskFails() {
        pool = pools.create(PoolConfig.builder().name("frozen").maxWorkers(2).heartbeatTimeout(Duration.ofSeconds(2)).build());
        Gate gate = Gate.in(dir, "frozen");
        String frozenStarted = gate.started("frozen");
        String otherStarted = gate.started("other");
        String release = gate.release();
        CompletableFuture<Long> frozen = pool.submit(() -> Tasks.holdUntil(frozenStarted, release));
        CompletableFuture<Long> other = pool.submit(() -> Tasks.holdUntil(otherStarted, release));
        long pid = gate.awaitStarted("frozen");
        gate.awaitStarted("other");

        long stopped = System.nanoTime();
        Pids.signal("STOP", Long.toString(pid));
        TerminatedWorkerException e = failure(frozen, TerminatedWorkerException.class);
        long tookMillis = (System.nanoTime() - stopped) / 1_000_000;
        assertThat(e.getMessage()).contains("stopped responding").contains("no heartbeat for PT2S");
        assertThat(e.pid()).isEqualTo(pid);
        assertThat(tookMillis).as("noticed after the heartbeat timeout, not much later").isBetween(1_500L, 10_000L);
        await().atMost(Duration.ofSeconds(20)).until(() -> !Pids.isAlive(pid));

        // a long task on a live worker is not mistaken for a frozen one: it sends heartbeats all along
        assertThat(other).isNotDone();
        gate.open();
        assertThat(value(other)).isNotEqualTo(pid);
        assertRunsNewTask(pool);
    }

    @Test
    void aFrozenIdleWorkerIsReplaced() {
        pool = pools.create(PoolConfig.builder().name("frozen-idle").maxWorkers(1).heartbeatTimeout(Duration.ofSeconds(1)).build());
        long pid = value(pool.submit(Tasks::pid));
        Pids.signal("STOP", Long.toString(pid));
        await().atMost(Duration.ofSeconds(20)).until(() -> !Pids.isAlive(pid));
        assertThat(value(pool.submit(Tasks::pid))).isNotEqualTo(pid);
    }
}
