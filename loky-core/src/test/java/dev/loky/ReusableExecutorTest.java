package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** loky's get_reusable_executor: same instance when compatible, resized when only the size differs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReusableExecutorTest {

    private ProcessExecutor last;

    @AfterAll
    void shutdownTheSingleton() throws InterruptedException {
        if (last != null) {
            last.shutdownNow();
            last.awaitTermination(Duration.ofSeconds(20));
        }
    }

    @Test
    void reusableSemantics() throws InterruptedException {
        Duration idle = Duration.ofSeconds(60);
        ProcessExecutor first = ProcessExecutors.reusable(2, idle);
        last = first;
        assertThat(value(first.submit(() -> "one"))).isEqualTo("one");

        assertThat(ProcessExecutors.reusable(2, idle)).as("equal arguments").isSameAs(first);
        assertThat(ProcessExecutors.reusable(PoolConfig.builder().maxWorkers(2).idleTimeout(idle).build()))
                .as("an equal PoolConfig").isSameAs(first);

        ProcessExecutor resized = ProcessExecutors.reusable(3, idle);
        assertThat(resized).as("only the size differs").isSameAs(first);
        assertThat(first.snapshot().maxWorkers()).isEqualTo(3);
        assertThat(first.isShutdown()).isFalse();
        assertThat(value(first.submit(() -> "two"))).isEqualTo("two");

        ProcessExecutor other = ProcessExecutors.reusable(3, Duration.ofSeconds(61));
        last = other;
        assertThat(other).as("another idle timeout").isNotSameAs(first);
        assertThat(first.isShutdown()).isTrue();
        assertThat(first.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(value(other.submit(() -> "three"))).isEqualTo("three");

        other.shutdown();
        ProcessExecutor fresh = ProcessExecutors.reusable(3, Duration.ofSeconds(61));
        last = fresh;
        assertThat(fresh).as("after shutdown").isNotSameAs(other);
        assertThat(fresh.isShutdown()).isFalse();
        assertThat(value(fresh.submit(() -> "four"))).isEqualTo("four");
    }
}
