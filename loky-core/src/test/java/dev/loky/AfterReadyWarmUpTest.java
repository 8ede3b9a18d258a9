package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.loky.support.Pools;

/**
 * {@link AfterReadyWarmUp}: an initializer's slow, memory-keeping warm-up (Spring's worker context
 * creating the beans called in earlier workers: Hibernate's boot) runs after the worker reported
 * ready, with real workers. Before, that work ran inside the initializer, so it counted against
 * the start-up timeout (12 starts in a row "not ready within PT1M" in a real application), and
 * a task that finished first took the leak reference below what the warm-up keeps.
 */
class AfterReadyWarmUpTest {

    @RegisterExtension
    final Pools pools = new Pools();

    /** Ready at once; then four seconds of warm-up that keeps 150 MB. */
    static final class SlowWarmUp implements RemoteRunnable, AfterReadyWarmUp {
        private static final long serialVersionUID = 1L;
        static volatile byte[][] kept;
        static volatile boolean warm;

        @Override
        public void run() {
        }

        @Override
        public void warmUp() {
            InsightsTest.sleep(4000);
            byte[][] blocks = new byte[150][];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = new byte[1024 * 1024];
                blocks[i][i] = 1;
            }
            kept = blocks;
            warm = true;
        }
    }

    @Test
    void aWarmUpLongerThanTheStartupTimeoutNeitherFailsTheStartNorLooksLikeALeak() {
        ProcessExecutor pool = pools.create(PoolConfig.builder().name("warm-after-ready").maxWorkers(1)
                .startupTimeout(Duration.ofSeconds(3))
                .initializer(new SlowWarmUp())
                .memoryLeakProtection(true).memoryLeakThresholdBytes(100L * 1024 * 1024).memoryCheckInterval(Duration.ofMillis(1))
                .build());

        // runs beside the warm-up and finishes first
        long pid = value(pool.submit(() -> ProcessHandle.current().pid()));
        assertThat(value(pool.submit(() -> SlowWarmUp.warm))).as("the first tasks run while it warms up").isFalse();
        await("the warm-up is done").atMost(Duration.ofSeconds(60)).until(() -> value(pool.submit(() -> SlowWarmUp.warm)));

        for (int i = 0; i < 5; i++) {
            assertThat(value(pool.submit(() -> ProcessHandle.current().pid()))).as("the same worker: what the warm-up keeps is no leak")
                    .isEqualTo(pid);
        }
        PoolSnapshot snapshot = pool.snapshot();
        assertThat(snapshot.counters().startupFailures()).isZero();
        assertThat(snapshot.counters().restarts()).isEmpty();
    }
}
