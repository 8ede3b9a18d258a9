package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/**
 * docs/core.md's bar (memory-leak protection): "a task that allocates 1 GB of garbage and keeps nothing never triggers a
 * recycle; a task that retains 10 MB per call is recycled after ~100 MB of growth, between tasks,
 * losing nothing; each recycle is ... counted".
 */
class MemoryLeakProtectionTest {

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @Test
    void aWorkerThatRetainsTenMegabytesPerTaskIsRecycledBetweenTasksLosingNothing() {
        pool = pools.create(PoolConfig.builder().name("leak").maxWorkers(1)
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

    /**
     * A burst: 40 tasks submitted at once, each keeping 10 MB, with the default check interval.
     * Before, the check ran at most once a second, so the one worker held all 400 MB, with no recycle
     * and no warning. Now every task is looked at (the look costs nothing unless the heap suggests it).
     */
    @Test
    void aBurstOfQuickLeakingTasksIsRecycledAfterAboutTheThreshold() {
        pool = pools.create(PoolConfig.builder().name("leak-burst").maxWorkers(1)
                .jvmArgs(List.of("-Xmx1g")).memoryLeakProtection(true).build());
        List<java.util.concurrent.CompletableFuture<long[]>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            futures.add(pool.submit(() -> new long[] {Tasks.leak(10), Tasks.leakedMebibytes()}));
        }
        long mostKept = futures.stream().mapToLong(f -> value(f)[1]).max().orElseThrow();
        assertThat(mostKept).as("MiB one worker kept before it was recycled").isLessThanOrEqualTo(150);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PoolSnapshot.Counters counters = pool.snapshot().counters();
            assertThat(counters.restarts().getOrDefault(RestartReason.MEMORY_LEAK.tag(), 0L)).isGreaterThanOrEqualTo(2);
            assertThat(counters.failed()).isZero();
        });
    }

    /**
     * A map whose items each keep 10 MB: 200 items on one worker are chunks of 50. Before, the
     * reference was taken after the first chunk, which already held 381 MB, and the worker reached
     * 761 MB before it was recycled. Now the reference is taken when the worker is ready, and a chunk
     * stops between items once the threshold is passed; the rest runs on the next worker. No item
     * is lost or run twice.
     */
    @Test
    void aMapWhoseItemsLeakIsRecycledBetweenItemsLosingNothing() {
        pool = pools.create(PoolConfig.builder().name("leak-map").maxWorkers(1)
                .jvmArgs(List.of("-Xmx1g")).memoryLeakProtection(true).build());
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            items.add(i);
        }
        List<long[]> results = pool.map(i -> new long[] {i, Tasks.leak(10), Tasks.leakedMebibytes()}, items);
        assertThat(results).hasSize(200);
        for (int i = 0; i < 200; i++) {
            assertThat(results.get(i)[0]).as("item %d in its place", i).isEqualTo(i);
        }
        long mostKept = results.stream().mapToLong(r -> r[2]).max().orElseThrow();
        assertThat(mostKept).as("MiB one worker kept before it was recycled").isLessThanOrEqualTo(150);
        assertThat(results.stream().mapToLong(r -> r[2]).min().orElseThrow()).as("each item kept its own 10 MB").isGreaterThanOrEqualTo(10);
        assertThat(results.stream().map(r -> r[1]).distinct().count()).as("workers used").isGreaterThanOrEqualTo(10);
        assertThat(pool.snapshot().counters().failed()).isZero();
    }

    @Test
    void aWorkerThatOnlyMakesGarbageIsNeverRecycled() {
        pool = pools.create(PoolConfig.builder().name("garbage").maxWorkers(1)
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
