package dev.loky.spring.actuate;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;
import dev.loky.StartMethod;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** The health rules, on snapshots (the real-worker tests check them end to end). */
class LokyHealthIndicatorTests {

    private final ProcessExecutor executor = mock(ProcessExecutor.class);
    private final LokyHealthIndicator indicator = new LokyHealthIndicator(executor);

    @Test
    void upWithNoWorkerWhenIdle() {
        given(executor.snapshot()).willReturn(snapshot("RUNNING", List.of(), 0, null));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("workers", 0L).containsEntry("busy", 0L).containsEntry("queued", 0)
                .containsEntry("crashes", 3L).containsEntry("maxWorkers", 2).containsKey("restarts").doesNotContainKey("lastStartupError");
        assertThat(health.getDetails().get("restarts")).isEqualTo(Map.of("crash", 3L));
    }

    @Test
    void upWhileThePoolIsBeingPrepared() {
        given(executor.snapshot()).willReturn(snapshot("PREPARING", List.of(), 0, null));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void upWithBusyWorkers() {
        given(executor.snapshot()).willReturn(snapshot("RUNNING", List.of(worker("BUSY", "task #1"), worker("IDLE", null)), 0, null));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("workers", 2L).containsEntry("busy", 1L).containsEntry("starting", 0L);
    }

    @Test
    void downWhenWorkersFailToStartAndNoneIsAlive() {
        given(executor.snapshot()).willReturn(snapshot("RUNNING", List.of(worker("STARTING", null)), 2, "worker 3 could not start: boom"));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("lastStartupError", "worker 3 could not start: boom")
                .containsEntry("consecutiveStartupFailures", 2L).containsEntry("starting", 1L);
    }

    @Test
    void upWhenAWorkerStillServesDespiteStartupFailures() {
        given(executor.snapshot()).willReturn(snapshot("RUNNING", List.of(worker("IDLE", null)), 1, "boom"));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("lastStartupError", "boom");
    }

    @Test
    void backUpOnceAWorkerStartedAgain() {
        given(executor.snapshot()).willReturn(snapshot("RUNNING", List.of(), 0, "an old failure"));
        Health health = indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).doesNotContainKey("lastStartupError");
    }

    @Test
    void downWhenShutDown() {
        given(executor.snapshot()).willReturn(snapshot("SHUTTING_DOWN", List.of(worker("BUSY", "task #1")), 0, null));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        given(executor.snapshot()).willReturn(snapshot("TERMINATED", List.of(), 0, null));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void longStartupErrorsAreAbbreviated() {
        String error = "x".repeat(10_000);
        given(executor.snapshot()).willReturn(snapshot("RUNNING", List.of(), 1, error));
        assertThat((String) indicator.health().getDetails().get("lastStartupError")).hasSizeLessThan(LokyHealthIndicator.MAX_ERROR_LENGTH + 50);
    }

    private static PoolSnapshot snapshot(String state, List<PoolSnapshot.Worker> workers, long consecutiveFailures, String error) {
        return new PoolSnapshot(PoolSnapshot.State.valueOf(state), StartMethod.SPAWN, 2, 0, workers,
                new PoolSnapshot.Counters(10, 7, 3, 0, 3, Map.of("crash", 3L), consecutiveFailures, consecutiveFailures), error);
    }

    private static PoolSnapshot.Worker worker(String state, String task) {
        return new PoolSnapshot.Worker(1, 1234, PoolSnapshot.WorkerState.valueOf(state), task, 5, 50_000_000, 10_000_000, Duration.ofSeconds(3), null);
    }
}
