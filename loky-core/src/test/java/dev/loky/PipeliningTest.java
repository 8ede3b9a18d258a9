package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.support.Tasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Short tasks are sent ahead to busy workers (pipelining). Tasks a worker holds but has not
 * started must never be lost or failed with it, and replies must match their tasks in order.
 */
class PipeliningTest {

    private ProcessExecutor pool;

    @BeforeEach
    void start() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("pipelining").maxWorkers(2).build());
        // make the pool see short tasks, so that it sends tasks ahead
        List<CompletableFuture<Integer>> warmUp = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            warmUp.add(pool.submit(() -> n));
        }
        warmUp.forEach(f -> value(f));
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void thousandsOfTinyTasksSubmittedAtOnceAllCompleteWithTheirOwnValues() {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int n = i;
            futures.add(pool.submit(() -> n * 2));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(value(futures.get(i))).isEqualTo(i * 2);
        }
    }

    @Test
    void aWorkerThatDiesFailsOnlyTheTaskItRanAndTheTasksSentAheadRunElsewhere() {
        for (int round = 0; round < 5; round++) {
            List<CompletableFuture<Integer>> before = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                before.add(pool.submit(() -> n));
            }
            CompletableFuture<Integer> crash = pool.submit(() -> Tasks.exit(3));
            List<CompletableFuture<Integer>> after = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                after.add(pool.submit(() -> n));
            }
            assertThat(failure(crash)).isInstanceOf(TerminatedWorkerException.class).hasMessageContaining("exit code 3");
            for (int i = 0; i < 100; i++) {
                assertThat(value(before.get(i))).isEqualTo(i);
                assertThat(value(after.get(i))).isEqualTo(i);
            }
        }
        assertThat(pool.snapshot().counters().failed()).isEqualTo(5);
    }

    @Test
    void aTimeoutKillsOnlyItsTaskAndTheTasksSentAheadRunElsewhere(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String started = dir.resolve("started").toString();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            futures.add(pool.submit(() -> n));
        }
        CompletableFuture<Long> slow = pool.submit(() -> Tasks.spinIgnoringInterrupts(started), Duration.ofMillis(300));
        for (int i = 50; i < 150; i++) {
            int n = i;
            futures.add(pool.submit(() -> n));
        }
        assertThat(failure(slow)).isInstanceOf(TaskTimeoutException.class);
        for (int i = 0; i < futures.size(); i++) {
            assertThat(value(futures.get(i))).isEqualTo(i);
        }
    }

    @Test
    void cancellingTasksSentAheadSkipsThemAndKeepsTheRest() {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            futures.add(pool.submit(() -> n));
        }
        for (int i = 0; i < futures.size(); i += 3) {
            futures.get(i).cancel(true);
        }
        for (int i = 0; i < futures.size(); i++) {
            CompletableFuture<Integer> f = futures.get(i);
            if (!f.isCancelled()) {
                assertThat(value(f)).isEqualTo(i);
            }
        }
        assertThat(value(pool.submit(() -> 42))).isEqualTo(42);
    }
}
