package dev.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Pids;

/**
 * A plain-Java parent ({@link JvmExitMapMain}, its own process group via {@code setsid}) runs a map
 * on one worker; the test sends it a real signal: SIGINT to the whole process group (what Ctrl-C in
 * a terminal does, so the worker gets it too) or SIGTERM to the parent alone. The map must fail with
 * one exception that says the JVM is exiting (not a worker "crash" from the SIGINT, not a bare
 * cancellation), the parent must exit, and the worker must be gone.
 */
class JvmExitTest {

    @TempDir
    Path dir;

    @org.junit.jupiter.api.Test
    void workersOutliveACtrlCToTheirProcessGroupWhileTheParentLivesOn() throws Exception {
        Process parent = start("survive");
        List<String> lines = readLines(parent);
        long worker = 0;
        try {
            worker = awaitProgress(lines);
            Pids.signal("INT", "-" + parent.pid());
            assertThat(parent.waitFor(60, TimeUnit.SECONDS)).as("parent exited").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream().anyMatch(l -> l.startsWith("MAP ")));
            assertThat(lines).contains("PARENT GOT SIGINT");
            // the same worker ran the whole map and the call after it: the SIGINT did not kill it
            assertThat(lines).as("stdout").contains("MAP DONE " + worker);
            Pids.awaitGone(Duration.ofSeconds(10), worker);
        } finally {
            parent.destroyForcibly();
            if (worker != 0) {
                Pids.killQuietly(worker);
            }
        }
    }

    private Process start(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder("setsid", java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                JvmExitMapMain.class.getName(), mode).redirectError(dir.resolve(mode + ".stderr").toFile()).start();
    }

    private static List<String> readLines(Process parent) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (Exception e) {
                lines.add("READ FAILED " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static long awaitProgress(List<String> lines) {
        await("the map to make progress").atMost(Duration.ofSeconds(60))
                .until(() -> lines.stream().anyMatch(l -> l.startsWith("PROGRESS")));
        return Long.parseLong(lines.stream().filter(l -> l.startsWith("WORKER ")).findFirst().orElseThrow().substring(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT-group", "TERM-parent"})
    void aMapRunningWhileTheJvmExitsFailsWithOneExceptionThatSaysSo(String signal) throws Exception {
        Process parent = start("fail");
        Path stderr = dir.resolve("fail.stderr");
        List<String> lines = readLines(parent);
        long worker = 0;
        try {
            worker = awaitProgress(lines);
            // setsid made the parent a process-group leader: its pid is the group id
            if (signal.equals("INT-group")) {
                Pids.signal("INT", "-" + parent.pid());
            } else {
                Pids.signal("TERM", Long.toString(parent.pid()));
            }
            assertThat(parent.waitFor(30, TimeUnit.SECONDS)).as("parent exited; stderr: %s", Files.readString(stderr)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream().anyMatch(l -> l.startsWith("MAP ")));
            List<String> failures = lines.stream().filter(l -> l.startsWith("MAP ")).toList();
            assertThat(failures).as("stdout %s", lines).hasSize(1);
            assertThat(failures.get(0)).startsWith("MAP FAILED")
                    .contains("is shutting down because the JVM is exiting")
                    .doesNotContain("being replaced").doesNotContain("SIGINT)").doesNotContain("CancellationException");
            Pids.awaitGone(Duration.ofSeconds(10), worker);
        } finally {
            parent.destroyForcibly();
            if (worker != 0) {
                Pids.killQuietly(worker);
            }
        }
    }
}
