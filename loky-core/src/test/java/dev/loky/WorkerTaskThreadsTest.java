package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Gate;
import dev.loky.support.Tasks;

/**
 * A worker runs a task on whichever of its two task threads read it (the other takes over reading
 * the channel). Whatever thread runs them, a worker's tasks run one at a time, in the order they
 * were sent, and a cancel still reaches a task running on the thread that read it.
 */
class WorkerTaskThreadsTest {

    private ProcessExecutor pool;

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void tasksRunOneAtATimeInOrderOnEitherTaskThread() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("task-threads").maxWorkers(1).build());
        List<CompletableFuture<long[]>> futures = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            futures.clear();
            for (int i = 0; i < 300; i++) {
                futures.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    long spin = start + 20_000; // 20 µs: short, so the pool sends tasks ahead
                    while (System.nanoTime() < spin) {
                        Thread.onSpinWait();
                    }
                    return new long[] {start, System.nanoTime(), Thread.currentThread().getId()};
                }));
            }
            Set<Long> threads = new HashSet<>();
            long previousEnd = Long.MIN_VALUE;
            for (CompletableFuture<long[]> f : futures) {
                long[] run = value(f);
                assertThat(run[0]).as("a task starts after the one sent before it ended").isGreaterThan(previousEnd);
                previousEnd = run[1];
                threads.add(run[2]);
            }
            assertThat(threads).hasSizeLessThanOrEqualTo(2);
        }
        // sequential calls: each is read while nothing runs, so it runs on the thread that read it
        Set<Long> threads = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            threads.add(value(pool.submit(() -> Thread.currentThread().getId())));
        }
        assertThat(threads).as("the reader role alternates between the two task threads").hasSize(2);
    }

    @Test
    void aCancelReachesATaskRunningOnTheThreadThatReadIt(@TempDir Path dir) {
        pool = ProcessExecutors.create(PoolConfig.builder().name("task-threads-cancel").maxWorkers(1).build());
        long pid = value(pool.submit(() -> ProcessHandle.current().pid())); // warmed: the other thread stands by
        Gate gate = Gate.in(dir, "held");
        String started = gate.started("held");
        String release = gate.release();
        // read while nothing runs: it runs on the thread that read it, the other one reads the CANCEL
        CompletableFuture<Long> held = pool.submit(() -> Tasks.holdUntil(started, release));
        gate.awaitStarted("held");

        assertThat(held.cancel(true)).isTrue();

        await("the interrupted task to leave its worker").atMost(Duration.ofSeconds(20))
                .until(() -> pool.snapshot().busyWorkers() == 0);
        // interrupted, not killed after the grace period: the same worker answers the next call
        assertThat(value(pool.submit(() -> ProcessHandle.current().pid()))).isEqualTo(pid);
    }
}
