package dev.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.loky.support.Futures;

/** Many threads submitting at once: every future completes with its own value. */
class ConcurrentSubmittersTest {

    private static final int THREADS = 8;
    private static final int TASKS_PER_THREAD = 500;

    @Test
    void eightThreadsSubmittingFiveHundredTasksEach() throws Exception {
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("concurrent").maxWorkers(2).build())) {
            ExecutorService submitters = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<CompletableFuture<Long>>>> perThread = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long thread = t;
                    perThread.add(submitters.submit(() -> {
                        go.await();
                        List<CompletableFuture<Long>> futures = new ArrayList<>();
                        for (long i = 0; i < TASKS_PER_THREAD; i++) {
                            long n = i;
                            futures.add(pool.submit(() -> thread * 1_000_000 + n * n));
                        }
                        return futures;
                    }));
                }
                go.countDown();

                for (int t = 0; t < THREADS; t++) {
                    List<CompletableFuture<Long>> futures = perThread.get(t).get(60, TimeUnit.SECONDS);
                    assertThat(futures).hasSize(TASKS_PER_THREAD);
                    for (int i = 0; i < TASKS_PER_THREAD; i++) {
                        assertThat(Futures.value(futures.get(i))).isEqualTo(t * 1_000_000L + (long) i * i);
                    }
                }
                long total = (long) THREADS * TASKS_PER_THREAD;
                await("the counters to catch up").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    PoolSnapshot.Counters counters = pool.snapshot().counters();
                    assertThat(counters.submitted()).isEqualTo(total);
                    assertThat(counters.succeeded()).isEqualTo(total);
                    assertThat(counters.failed()).isZero();
                });
            } finally {
                submitters.shutdownNow();
            }
        }
    }
}
