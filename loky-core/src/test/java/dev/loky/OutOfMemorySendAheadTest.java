package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.loky.support.Futures;
import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/**
 * docs/failure-semantics.md: "the task throws OutOfMemoryError → worker replaced; tasks sent ahead to it run
 * elsewhere, none fails". A worker halts itself right after answering with an OutOfMemoryError, so
 * the pool must treat it as leaving from that answer on: the tasks sent ahead to it, and the first
 * task submitted after the answer, must run on its replacement.
 */
class OutOfMemorySendAheadTest {

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @Test
    void tasksSentAheadToAWorkerThatRanOutOfMemoryRunOnItsReplacement() {
        pool = pools.create(PoolConfig.builder().name("oom-ahead").maxWorkers(1)
                .jvmArgs(List.of("-Xmx64m")).build());
        long first = 0;
        for (int i = 0; i < 50; i++) { // short tasks: the pool now sends tasks ahead to a busy worker
            first = value(pool.submit(Tasks::pid));
        }
        CompletableFuture<String> oom = pool.submit(() -> Tasks.exhaustHeap(2L << 30));
        List<CompletableFuture<Long>> behind = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            behind.add(pool.submit(Tasks::pid));
        }

        assertThat(Futures.chain(failure(oom))).contains("OutOfMemoryError");
        CompletableFuture<Long> rightAfter = pool.submit(Tasks::pid);
        for (CompletableFuture<Long> f : behind) {
            assertThat(value(f)).as("a task sent ahead runs on the replacement").isNotEqualTo(first);
        }
        assertThat(value(rightAfter)).as("the first task after the OutOfMemoryError runs on the replacement")
                .isNotEqualTo(first);
        // the worker's exit is seen a moment after its last answer
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(pool.snapshot().counters().crashes()).isEqualTo(1));
    }

    @Test
    void theFirstTaskSubmittedRightAfterAnOutOfMemoryErrorNeverFails() {
        pool = pools.create(PoolConfig.builder().name("oom-next").maxWorkers(1)
                .jvmArgs(List.of("-Xmx64m")).build());
        for (int round = 0; round < 3; round++) {
            long before = value(pool.submit(Tasks::pid));
            // the next task is submitted from the thread that completes the failed future, as soon as it can be
            CompletableFuture<Long> next = pool.submit(() -> Tasks.exhaustHeap(2L << 30))
                    .handle((r, e) -> pool.submit(Tasks::pid)).thenCompose(f -> f);
            assertThat(value(next)).as("round %d", round).isNotEqualTo(before);
        }
    }
}
