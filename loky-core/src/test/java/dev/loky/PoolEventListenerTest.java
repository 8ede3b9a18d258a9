package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Gate;
import dev.loky.support.Tasks;

/** The listener hook that metrics hang on hears every outcome, crash, restart and startup failure. */
class PoolEventListenerTest {

    static final class Recorder implements PoolEventListener {
        final List<TaskOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        final List<Long> started = Collections.synchronizedList(new ArrayList<>());
        final List<long[]> crashed = Collections.synchronizedList(new ArrayList<>());
        final List<RestartReason> restarts = Collections.synchronizedList(new ArrayList<>());
        final List<WorkerStartupException> startupFailures = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void taskFinished(TaskOutcome outcome, Duration duration) {
            outcomes.add(duration.isNegative() ? null : outcome);
        }

        @Override
        public void workerStarted(long pid, Duration startup) {
            started.add(pid);
        }

        @Override
        public void workerCrashed(long pid, int exitCode) {
            crashed.add(new long[] {pid, exitCode});
        }

        @Override
        public void workerRestarted(RestartReason reason) {
            restarts.add(reason);
        }

        @Override
        public void workerStartupFailed(WorkerStartupException error) {
            startupFailures.add(error);
        }

        <T> List<T> copy(List<T> list) {
            synchronized (list) {
                return new ArrayList<>(list);
            }
        }
    }

    @TempDir
    Path dir;

    @Test
    void everyOutcomeCrashAndRestartIsReported() {
        Recorder recorder = new Recorder();
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("listener").maxWorkers(1)
                .cancelGracePeriod(Duration.ofMillis(500)).addListener(recorder).build())) {
            Gate gate = Gate.in(dir, "listener");
            String timeoutStarted = gate.started("timeout");
            String cancelStarted = gate.started("cancel");
            String release = gate.release();

            long firstPid = value(pool.submit(Tasks::pid));
            failure(pool.submit(() -> Tasks.throwIllegalState("listener boom")), IllegalStateException.class);
            TerminatedWorkerException crash = failure(pool.submit(() -> Tasks.exit(3)), TerminatedWorkerException.class);
            failure(pool.submit(() -> Tasks.holdUntil(timeoutStarted, release), Duration.ofMillis(500)),
                    TaskTimeoutException.class);
            CompletableFuture<Long> cancelled = pool.submit(() -> Tasks.holdUntil(cancelStarted, release));
            gate.awaitStarted("cancel");
            cancelled.cancel(true);
            value(pool.submit(() -> "last"));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(recorder.copy(recorder.outcomes)).contains(TaskOutcome.SUCCESS, TaskOutcome.ERROR,
                        TaskOutcome.CRASH, TaskOutcome.TIMEOUT, TaskOutcome.CANCELLED);
                assertThat(recorder.copy(recorder.outcomes)).hasSize(6);
                assertThat(recorder.copy(recorder.crashed)).anySatisfy(c -> {
                    assertThat(c[0]).isEqualTo(crash.pid());
                    assertThat(c[1]).isEqualTo(3);
                });
                assertThat(recorder.copy(recorder.restarts)).contains(RestartReason.CRASH, RestartReason.TIMEOUT);
                assertThat(recorder.copy(recorder.started)).contains(firstPid).hasSizeGreaterThanOrEqualTo(3);
            });
            assertThat(recorder.copy(recorder.startupFailures)).isEmpty();
        }
    }

    @Test
    void startupFailuresAreReported() {
        Recorder recorder = new Recorder();
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("listener-bad").maxWorkers(1)
                .jvmArgs("-XX:+ThisFlagDoesNotExist").addListener(recorder).build())) {
            failure(pool.submit(() -> 1), WorkerStartupException.class);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(recorder.copy(recorder.startupFailures)).isNotEmpty();
                assertThat(recorder.copy(recorder.outcomes)).containsOnly(TaskOutcome.ERROR);
            });
            assertThat(recorder.copy(recorder.started)).isEmpty();
            pool.shutdownNow();
        }
    }

    @Test
    void aThrowingListenerDoesNotBreakThePool() {
        PoolEventListener broken = new PoolEventListener() {
            @Override
            public void taskFinished(TaskOutcome outcome, Duration duration) {
                throw new IllegalStateException("listener failure");
            }

            @Override
            public void workerStarted(long pid, Duration startup) {
                throw new IllegalStateException("listener failure");
            }
        };
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("listener-throws").maxWorkers(1)
                .addListener(broken).build())) {
            assertThat(value(pool.submit(() -> "fine"))).isEqualTo("fine");
            assertThat(value(pool.submit(() -> "still fine"))).isEqualTo("still fine");
        }
    }
}
