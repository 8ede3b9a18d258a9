package dev.loky.spring.actuate;

import dev.loky.ProcessExecutor;
import dev.loky.WorkerStartupException;
import dev.loky.spring.actuate.autoconfigure.ActuatorContexts;
import dev.loky.spring.actuate.flaky.FlakyWorkerConfiguration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Health and meters with real worker JVMs whose slim context is {@link FlakyWorkerConfiguration}
 * (small and quick to boot): workers that cannot start make the health DOWN, and it comes back UP
 * once they start again; {@code loky.worker.max-tasks} recycles count as {@code max-tasks}.
 */
class LokyActuatorWorkerTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    private ApplicationContextRunner runner(Path marker) {
        return new ApplicationContextRunner()
                .withConfiguration(ActuatorContexts.LOKY)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues("loky.max-workers=1", "loky.worker.startup-cache=off",
                        "loky.worker.sources=" + FlakyWorkerConfiguration.class.getName(),
                        "loky.worker.jvm-args=-D" + FlakyWorkerConfiguration.MARKER_PROPERTY + "=" + marker);
    }

    @Test
    void healthIsDownWhileWorkersCannotStartAndUpOnceTheyStartAgain() throws Exception {
        Path marker = Files.createFile(temp.resolve("refuse-start"));
        runner(marker).run(context -> {
            assertThat(context).hasNotFailed();
            ProcessExecutor executor = context.getBean(ProcessExecutor.class);
            LokyHealthIndicator health = context.getBean(LokyHealthIndicator.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(health.health().getStatus()).as("idle, no worker yet").isEqualTo(Status.UP);

            assertThatThrownBy(() -> executor.submit(() -> 1).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(WorkerStartupException.class);
            Health down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails()).containsEntry("workers", 0L).containsKeys("busy", "queued", "crashes", "restarts");
            assertThat((Long) down.getDetails().get("consecutiveStartupFailures")).isPositive();
            assertThat((String) down.getDetails().get("lastStartupError")).contains("marker file");
            assertThat(registry.get("loky.worker.startup.failures").counter().count()).isPositive();

            Files.delete(marker);
            assertThat(executor.submit(() -> 2).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2);
            Health up = health.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("consecutiveStartupFailures", 0L).containsEntry("workers", 1L)
                    .doesNotContainKey("lastStartupError");
            assertThat(registry.get("loky.worker.startup").timer().count()).isEqualTo(1);

            executor.shutdown();
            assertThat(health.health().getStatus()).as("shut down").isEqualTo(Status.DOWN);
        });
    }

    @Test
    void maxTasksRecyclesAreCountedAsSuch() throws Exception {
        runner(temp.resolve("absent")).withPropertyValues("loky.worker.max-tasks=3").run(context -> {
            assertThat(context).hasNotFailed();
            ProcessExecutor executor = context.getBean(ProcessExecutor.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                pids.add(executor.submit(() -> ProcessHandle.current().pid()).get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            assertThat(pids.subList(0, 3)).as("pids %s", pids).containsOnly(pids.get(0));
            assertThat(pids.subList(3, 6)).as("pids %s", pids).containsOnly(pids.get(3)).doesNotContain(pids.get(0));
            assertThat(pids.get(6)).as("pids %s", pids).isNotIn(pids.get(0), pids.get(3));
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(registry.get("loky.worker.restarts").tag("reason", "max-tasks").counter().count()).isEqualTo(2));
            assertThat(registry.get("loky.worker.restarts").tag("reason", "crash").counter().count()).isZero();
            assertThat(registry.get("loky.worker.crashes").counter().count()).isZero();
            assertThat(registry.get("loky.tasks").tag("outcome", "success").timer().count()).isEqualTo(7);
            assertThat(registry.get("loky.worker.startup").timer().count()).isEqualTo(3);
        });
    }
}
