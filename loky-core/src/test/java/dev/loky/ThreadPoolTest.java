package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.loky.support.Tasks;

/** StartMethod.THREADS: the same API, in-process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreadPoolTest {

    private ProcessExecutor pool;

    @BeforeAll
    void start() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("threads").maxWorkers(2)
                .startMethod(StartMethod.THREADS).build());
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void submitRunsInThisJvm() {
        assertThat(value(pool.submit(() -> 6 * 7))).isEqualTo(42);
        assertThat(value(pool.submit(Tasks::pid))).isEqualTo(ProcessHandle.current().pid());
        assertThat(value(pool.execute(() -> { }))).isNull();
        assertThat(pool.snapshot().startMethod()).isEqualTo(StartMethod.THREADS);
        assertThat(pool.snapshot().maxWorkers()).isEqualTo(2);
    }

    @Test
    void mapImapAndImapUnordered() {
        List<Integer> items = IntStream.range(0, 2_000).boxed().toList();
        List<Integer> expected = IntStream.range(0, 2_000).map(i -> i + 1).boxed().toList();

        assertThat(pool.map(i -> i + 1, items)).isEqualTo(expected);
        assertThat(pool.map(i -> i + 1, items, MapOptions.defaults().chunkSize(3))).isEqualTo(expected);
        try (Stream<Integer> s = pool.imap(i -> i + 1, items)) {
            assertThat(s.toList()).isEqualTo(expected);
        }
        try (Stream<Integer> s = pool.imapUnordered(i -> i + 1, items)) {
            assertThat(s.sorted().toList()).isEqualTo(expected);
        }
    }

    @Test
    void taskExceptionKeepsItsType() {
        IllegalStateException e = failure(pool.submit(() -> Tasks.throwIllegalState("thread boom")), IllegalStateException.class);
        assertThat(e).hasMessage("thread boom");
        assertThat(e.getCause()).hasMessage("root cause of thread boom");
    }

    @Test
    void timeoutFailsTheTaskAndThePoolGoesOn() {
        Duration timeout = Duration.ofMillis(300);
        TaskTimeoutException e = failure(pool.submit(() -> {
            Thread.sleep(120_000);
            return "never";
        }, timeout), TaskTimeoutException.class);

        assertThat(e.timeout()).isEqualTo(timeout);
        assertThat(value(pool.submit(() -> "after timeout"))).isEqualTo("after timeout");
        assertThat(pool.map(i -> i * 2, List.of(1, 2, 3))).containsExactly(2, 4, 6);
    }

    @Test
    void shutdownRejectsNewTasks() throws InterruptedException {
        ProcessExecutor own = ProcessExecutors.create(PoolConfig.builder().name("threads-own").maxWorkers(1)
                .startMethod(StartMethod.THREADS).build());
        assertThat(value(own.submit(() -> "before"))).isEqualTo("before");
        own.shutdown();
        assertThatThrownBy(() -> own.submit(() -> "after")).isInstanceOf(RejectedExecutionException.class);
        assertThat(own.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(own.isTerminated()).isTrue();
    }
}
