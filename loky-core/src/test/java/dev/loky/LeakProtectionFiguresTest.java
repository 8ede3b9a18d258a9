package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/**
 * docs/core.md's bar (memory-leak protection), the negative half: "a task that allocates 1 GB of garbage and keeps nothing
 * never triggers a recycle, nor does a task that takes and returns 50 MB, under any collector the
 * user picks (Serial, Parallel, G1) or with native buffers (ImageIO)". The check interval is 1 ms,
 * so memory is looked at after every task; the threshold is the default 100 MB. And the native
 * half of the positive case: memory retained outside the heap is found and recycled.
 */
class LeakProtectionFiguresTest {

    private static final int FIFTY_MB = 50 << 20;

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseSerialGC", "-XX:+UseParallelGC -Xms256m", "-XX:+UseG1GC"})
    void healthyWorkIsNeverRecycledUnderAnyCollector(String jvmArgs) {
        pool = pools.create(PoolConfig.builder().name("healthy").maxWorkers(1)
                .jvmArgs(List.of(jvmArgs.split(" ")))
                .memoryLeakProtection(true)
                .memoryCheckInterval(Duration.ofMillis(1))
                .build());
        List<Long> pids = new ArrayList<>();
        pids.add(value(pool.submit(Tasks::pid))); // the reference is taken after a tiny first task

        byte[] payload = Tasks.pattern(FIFTY_MB, 7);
        for (int i = 0; i < 4; i++) {
            byte[] back = value(pool.submit(() -> Tasks.invert(payload)));
            assertThat(back).hasSize(FIFTY_MB);
            assertThat(back[123]).isEqualTo((byte) ~payload[123]);
            pids.add(value(pool.submit(Tasks::pid)));
        }
        for (int i = 0; i < 3; i++) {
            pids.add(value(pool.submit(() -> Tasks.garbage(1024))));
        }
        for (int i = 0; i < 12; i++) {
            int seed = i;
            pids.add(value(pool.submit(() -> Tasks.imageWork(2048, seed))));
        }

        assertThat(new HashSet<>(pids)).as("pids of healthy tasks with %s", jvmArgs).hasSize(1);
        assertThat(pool.snapshot().counters().restarts()).doesNotContainKey(RestartReason.MEMORY_LEAK.tag());
    }

    @org.junit.jupiter.api.Test
    void aWorkerThatRetainsNativeMemoryIsRecycledBetweenTasksLosingNothing() {
        pool = pools.create(PoolConfig.builder().name("native-leak").maxWorkers(1)
                .memoryLeakProtection(true)
                .memoryCheckInterval(Duration.ofMillis(1))
                .build());
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pids.add(value(pool.submit(() -> Tasks.leakNative(10))));
        }

        long first = pids.get(0);
        int firstChange = pids.indexOf(pids.stream().filter(p -> p != first).findFirst().orElse(-1L));
        assertThat(firstChange).as("recycled within 30 tasks (pids %s)", pids).isPositive();
        assertThat(firstChange).as("not before ~100 MB of growth (pids %s)", pids).isGreaterThanOrEqualTo(8);
        assertThat(pool.snapshot().counters().restarts()).containsKey(RestartReason.MEMORY_LEAK.tag());
        assertThat(pool.snapshot().counters().failed()).isZero();
    }
}
