package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.loky.support.Tasks;

/**
 * DESIGN.md's bar: "a task that allocates 1 GB of garbage and keeps nothing never triggers a
 * recycle; a task that retains 10 MB per call is recycled after ~100 MB of growth, between tasks,
 * losing nothing; each recycle is ... counted".
 */
class MemoryLeakProtectionTest {

    private ProcessExecutor pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void aWorkerThatRetainsTenMegabytesPerTaskIsRecycledBetweenTasksLosingNothing() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("leak").maxWorkers(1)
                .memoryLeakProtection(true)
                .memoryLeakThresholdBytes(100L * 1024 * 1024)
                .memoryCheckInterval(Duration.ofMillis(1))
                .build());

        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pids.add(value(pool.submit(() -> Tasks.leak(10))));
        }

        long first = pids.get(0);
        int firstChange = pids.indexOf(pids.stream().filter(p -> p != first).findFirst().orElse(-1L));
        assertThat(firstChange).as("the leaking worker was recycled within 40 tasks (pids %s)", pids).isPositive();
        assertThat(firstChange).as("not recycled before ~100 MB of growth (pids %s)", pids).isGreaterThanOrEqualTo(8);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PoolSnapshot.Counters counters = pool.snapshot().counters();
            assertThat(counters.restarts().getOrDefault(RestartReason.MEMORY_LEAK.tag(), 0L)).isPositive();
            assertThat(counters.failed()).isZero();
            assertThat(counters.crashes()).isZero();
        });
        assertThat(pool.snapshot().workers()).allSatisfy(w -> assertThat(w.lastRestartReason()).isIn(null, "memory-leak"));
    }

    @Test
    void aWorkerThatOnlyMakesGarbageIsNeverRecycled() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("garbage").maxWorkers(1)
                .memoryLeakProtection(true)
                .memoryCheckInterval(Duration.ofMillis(1))
                .build());

        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pids.add(value(pool.submit(() -> Tasks.garbage(1024))));
        }

        assertThat(new HashSet<>(pids)).as("pids of tasks that allocated 1 GiB of garbage each").hasSize(1);
        assertThat(pool.snapshot().counters().restarts()).doesNotContainKey(RestartReason.MEMORY_LEAK.tag());
    }
}
