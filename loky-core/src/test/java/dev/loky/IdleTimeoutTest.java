package dev.loky;

import static dev.loky.support.Futures.value;
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

/** docs/failure-semantics.md: "idle timeout → nothing: busy workers finish; idle workers exit and are respawned on demand". */
class IdleTimeoutTest {

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @Test
    void idleWorkersExitAndAreRespawnedOnDemand() {
        pool = pools.create(PoolConfig.builder().name("idle").maxWorkers(2)
                .idleTimeout(Duration.ofMillis(500)).build());
        long first = value(pool.submit(Tasks::pid));

        await("idle workers to exit").atMost(Duration.ofSeconds(15))
                .until(() -> pool.snapshot().liveWorkers() == 0 && !Pids.isAlive(first));
        assertThat(pool.isShutdown()).isFalse();

        long second = value(pool.submit(Tasks::pid));
        assertThat(second).isNotEqualTo(first);
        assertThat(Pids.isAlive(second)).isTrue();
    }

    @Test
    void aBusyWorkerIsNotRetiredByTheIdleTimeout(@TempDir Path dir) {
        pool = pools.create(PoolConfig.builder().name("idle-busy").maxWorkers(1)
                .idleTimeout(Duration.ofMillis(300)).build());
        Gate gate = Gate.in(dir, "busy");
        String started = gate.started("long");
        String release = gate.release();
        CompletableFuture<Long> task = pool.submit(() -> Tasks.holdUntil(started, release));
        long pid = gate.awaitStarted("long");

        await("the busy worker survives several idle timeouts").during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(5)).until(() -> !task.isDone() && Pids.isAlive(pid));
        gate.open();

        assertThat(value(task)).isEqualTo(pid);
    }
}
