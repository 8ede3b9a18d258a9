package dev.loky.spring.it;

import dev.loky.ProcessExecutor;
import dev.loky.TaskTimeoutException;
import dev.loky.TerminatedWorkerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code @ProcessAsync} with real worker JVMs: each worker boots {@link ItApplication} as its slim
 * context, from this test JVM's classpath.
 */
@SpringBootTest(properties = {"loky.max-workers=2", "loky.worker.startup-cache=off", "demo.inline=from-test",
        "loky.worker.jvm-args=-Xmx128m,-XX:TieredStopAtLevel=1"}, args = "--demo.arg=from-args")
class ProcessAsyncWorkerTests {

    private static final long PID = ProcessHandle.current().pid();

    @Autowired
    WorkService service;

    @Autowired
    ProcessExecutor executor;

    @Test
    void synchronousCallIsServedByAWorkerJvm() {
        long pid = service.pid();
        assertThat(pid).isNotEqualTo(PID);
        assertThat(ProcessHandle.of(pid)).isPresent();
        assertThat(executor.snapshot().workers()).extracting(w -> w.pid()).contains(pid);
    }

    @Test
    void recordsListsMapsOptionalsTimeAndBytesTravel() throws Exception {
        assertThat(service.points(3)).containsExactly(new Point(0, 0), new Point(1, 1), new Point(2, 4));
        CompletableFuture<Map<String, BigDecimal>> prices = service.prices(List.of("book", "pen"));
        assertThat(prices.get(60, TimeUnit.SECONDS)).containsExactlyInAnyOrderEntriesOf(
                Map.of("book", new BigDecimal("19.99"), "pen", new BigDecimal("0.10")));
        assertThat(service.nextDay(Optional.of(LocalDate.of(2024, 12, 31))).get(60, TimeUnit.SECONDS)).contains(LocalDate.of(2025, 1, 1));
        assertThat(service.nextDay(Optional.empty()).get(60, TimeUnit.SECONDS)).isEmpty();
        Instant from = Instant.parse("2024-01-01T00:00:00Z");
        assertThat(service.between(from, from.plusMillis(1500))).isEqualTo(Duration.ofMillis(1500));
        assertThat(service.reverse(new byte[] {1, 2, 3, (byte) 255})).containsExactly((byte) 255, 3, 2, 1);
    }

    @Test
    void workerBeanUsesItsInjectedDependencyAndValues() {
        assertThat(service.greet("world")).isEqualTo("hello, world (from-file)");
    }

    @Test
    void workerSeesTheParentsConfigurationAndItsOwnProfile() {
        Map<String, String> values = service.properties(List.of("demo.file", "demo.inline", "demo.arg", "demo.overridden"));
        assertThat(values).containsEntry("demo.file", "from-file")
                .containsEntry("demo.inline", "from-test")
                .containsEntry("demo.arg", "from-args")
                .containsEntry("demo.overridden", "from-worker-profile");
        assertThat(service.activeProfiles()).contains("loky-worker");
    }

    @Test
    void workerRunsNoRunnersAndNoScheduler() {
        assertThat(ItApplication.RUNNERS.get()).as("runners in the test JVM").isEqualTo(2);
        assertThat(service.workerState()).isEqualTo(new WorkService.WorkerState(0, false, true));
    }

    @Test
    void nestedCallRunsInlineInTheWorker() {
        long[] pids = service.nestedPids();
        assertThat(pids[0]).isNotEqualTo(PID);
        assertThat(pids[1]).isEqualTo(pids[0]);
    }

    @Test
    void exceptionsArriveAsThemselves() {
        assertThatThrownBy(() -> service.fail("no good")).isInstanceOf(IllegalArgumentException.class).hasMessage("no good");
        assertThatThrownBy(() -> service.failChecked()).isInstanceOf(IOException.class).hasMessage("checked in worker");
        assertThatThrownBy(() -> service.failAsync("async no good").get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class).hasMessage("async no good");
    }

    @Test
    void crashFailsOnlyThatCallWithTerminatedWorkerException() {
        assertThatThrownBy(() -> service.crash(3)).isInstanceOf(TerminatedWorkerException.class)
                .satisfies(e -> assertThat(((TerminatedWorkerException) e).exitCode()).isEqualTo(3));
        assertThat(service.pid()).isNotEqualTo(PID);
    }

    @Test
    void timeoutKillsTheCall() {
        assertThatThrownBy(() -> service.sleepy()).isInstanceOf(TaskTimeoutException.class);
        assertThat(service.greet("again")).startsWith("hello");
    }

    @Test
    void fireAndForgetRunsInAWorker(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pid.txt");
        service.writePid(file.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file) && !Files.readString(file).isEmpty());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Long.parseLong(Files.readString(file))).isNotEqualTo(PID));

        service.failLater("lost?");
        await().atMost(Duration.ofSeconds(60)).until(() -> ItApplication.UNCAUGHT.stream().anyMatch(e -> "lost?".equals(e.getMessage())));
    }
}
