package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.loky.internal.protocol.StreamedValues;
import dev.loky.support.Pids;

/**
 * An answer that passes every filter but takes forever to read (a class on the caller's classpath
 * whose {@code readObject} blocks: what a gadget chosen by a hostile worker does). It is read on the
 * worker's reader thread; before the watchdog its future stayed pending past its timeout and past
 * {@code shutdownNow}, and the worker's next task could never be answered.
 */
class SlowAnswerTest {

    /** Blocks the reader of every {@link SlowToRead} until the test is over. */
    static volatile CountDownLatch release = new CountDownLatch(1);
    static final AtomicInteger readersBlocked = new AtomicInteger();

    /** Written in the worker as usual; reading it in the parent blocks until {@link #release}. */
    static final class SlowToRead implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            readersBlocked.incrementAndGet();
            try {
                release.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ProcessExecutor pool;

    @BeforeEach
    void arm() {
        release = new CountDownLatch(1);
        readersBlocked.set(0);
    }

    @AfterEach
    void close() {
        release.countDown();
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void anAnswerSlowerToReadThanTheTimeoutFailsItsTaskAndTheWorkerIsReplaced() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("slow-answer").maxWorkers(1).build());
        long pid = value(pool.submit(() -> ProcessHandle.current().pid()));
        long started = System.nanoTime();
        TaskSerializationException e = failure(pool.submit(SlowToRead::new, Duration.ofSeconds(2)),
                TaskSerializationException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("failed at its deadline, not when the reader gave up")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.RESULT_IN_PARENT);
        assertThat(e).hasMessageContaining("took longer than PT2S").hasMessageContaining("was killed");
        await().atMost(Duration.ofSeconds(30)).until(() -> !Pids.isAlive(pid));
        // the reader is still stuck, yet the pool took the worker's exit and serves the next task
        assertThat(readersBlocked).hasValue(1);
        assertThat(value(pool.submit(() -> ProcessHandle.current().pid()))).isNotEqualTo(pid);
        // its exit is reported for the stuck reader (after a short grace) and counted as a crash
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.snapshot().counters().crashes() == 1);
    }

    @Test
    void withoutATimeoutTheHeartbeatTimeoutBoundsTheRead() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("slow-answer-hb").maxWorkers(1)
                .heartbeatTimeout(Duration.ofSeconds(2)).build());
        TaskSerializationException e = failure(pool.submit(SlowToRead::new), TaskSerializationException.class);
        assertThat(e).hasMessageContaining("heartbeat timeout");
        assertThat(value(pool.submit(() -> 6 * 7))).isEqualTo(42);
    }

    @Test
    void aBigStreamedAnswerThatIsSlowToReadFailsToo() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("slow-streamed").maxWorkers(1)
                .heartbeatTimeout(Duration.ofSeconds(2)).build());
        TaskSerializationException e = failure(pool.submit(
                () -> List.of(new byte[StreamedValues.CHUNK_BYTES * 3], new SlowToRead())), TaskSerializationException.class);
        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.RESULT_IN_PARENT);
        assertThat(value(pool.submit(() -> 6 * 7))).isEqualTo(42);
    }

    @Test
    void theTaskRunningMeanwhileFailsWithTheReasonAndWhatWasQueuedRunsElsewhere() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("slow-next").maxWorkers(1).build());
        CompletableFuture<SlowToRead> slow = pool.submit(SlowToRead::new, Duration.ofSeconds(2));
        CompletableFuture<Integer> next = pool.submit(() -> {
            Thread.sleep(60_000);
            return 1;
        });
        failure(slow, TaskSerializationException.class);
        Throwable lost = failure(next);
        if (lost instanceof TerminatedWorkerException t) {
            // it had started on the killed worker: it says why that worker went
            assertThat(t).hasMessageContaining("its answer to an earlier task could not be read in time");
        } else {
            throw new AssertionError("expected TerminatedWorkerException, got " + lost, lost);
        }
        assertThat(value(pool.submit(() -> 6 * 7))).isEqualTo(42);
    }

    @Test
    void shutdownNowCompletesAFutureWhoseAnswerIsStillBeingRead() throws InterruptedException {
        pool = ProcessExecutors.create(PoolConfig.builder().name("slow-shutdown").maxWorkers(1).build());
        CompletableFuture<SlowToRead> slow = pool.submit(SlowToRead::new);
        await().atMost(Duration.ofSeconds(60)).until(() -> readersBlocked.get() == 1);
        assertThat(slow).isNotDone();
        pool.shutdownNow();
        assertThat(failure(slow)).isInstanceOf(LokyException.class).hasMessageContaining("shut down");
        assertThat(pool.awaitTermination(Duration.ofSeconds(30))).as("terminated though its reader is stuck").isTrue();
    }
}
