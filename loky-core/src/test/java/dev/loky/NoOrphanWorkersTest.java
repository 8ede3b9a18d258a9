package dev.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Pids;

/**
 * docs/failure-semantics.md: "the parent JVM dies (even SIGKILL) → workers notice and exit within seconds: no
 * orphans". A separate parent JVM ({@link OrphanParentMain}) starts two workers; the test kills it.
 */
class NoOrphanWorkersTest {

    @TempDir
    Path dir;

    @Test
    void workersExitWhenTheirParentIsKilledWithSigkill() throws Exception {
        Process parent = startParent("block");
        long[] workers = new long[0];
        try {
            workers = readWorkerPids(parent);
            assertThat(workers).hasSize(2);
            for (long pid : workers) {
                assertThat(Pids.isAlive(pid)).as("worker %s alive before the parent dies", pid).isTrue();
            }

            Pids.kill9(parent.pid());
            assertThat(parent.waitFor()).isEqualTo(137);

            Pids.awaitGone(Duration.ofSeconds(10), workers);
        } finally {
            parent.destroyForcibly();
            Pids.killQuietly(workers);
        }
    }

    @Test
    void workersExitWhenTheirParentExitsWithoutClosingThePool() throws Exception {
        Process parent = startParent("exit");
        long[] workers = new long[0];
        try {
            workers = readWorkerPids(parent);
            assertThat(workers).hasSize(2);
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> parent.waitFor(), "parent JVM did not exit");

            Pids.awaitGone(Duration.ofSeconds(10), workers);
        } finally {
            parent.destroyForcibly();
            Pids.killQuietly(workers);
        }
    }

    private Process startParent(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), OrphanParentMain.class.getName(), mode));
        return new ProcessBuilder(command)
                .redirectError(dir.resolve("parent-" + mode + ".stderr").toFile())
                .start();
    }

    private long[] readWorkerPids(Process parent) throws Exception {
        String line = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            BufferedReader reader = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            String l;
            while ((l = reader.readLine()) != null) {
                if (l.startsWith("WORKERS")) {
                    return l;
                }
            }
            return null;
        }, "the parent JVM did not report its workers");
        assertThat(line).as("parent stdout; stderr: %s", stderrOf()).isNotNull();
        return Arrays.stream(line.substring("WORKERS".length()).trim().split(" ")).mapToLong(Long::parseLong).toArray();
    }

    private String stderrOf() {
        try (var files = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path p : (Iterable<Path>) files::iterator) {
                sb.append(Files.readString(p));
            }
            return sb.toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
