package dev.loky.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker's heap defaults: a small first heap also under the user's own {@code -Xmx}, so that an
 * idle worker does not keep a heap it never needed resident (the JVM's own default first heap is
 * 1/64 of the machine's memory, all of a {@code -Xmx256m}).
 */
class WorkerCommandTest {

    private static List<String> command(String... userArgs) {
        return WorkerCommand.build(PoolConfig.builder().jvmArgs(List.of(userArgs)).build(), 2, Path.of("/tmp"));
    }

    @Test
    void theUsersMaxHeapStillGetsASmallFirstHeapAndTheYoungGenerationDefaults() {
        List<String> cmd = command("-Xmx256m");
        assertThat(cmd).contains("-Xms24m", "-XX:NewSize=16m", "-XX:MaxNewSize=64m", "-Xmx256m");
        assertThat(cmd.stream().filter(a -> a.startsWith("-Xmx"))).containsExactly("-Xmx256m");
    }

    @Test
    void withoutUserHeapSettingsTheDefaultsApply() {
        List<String> cmd = command();
        assertThat(cmd).contains("-Xms24m", "-XX:NewSize=16m", "-XX:MaxNewSize=64m");
        assertThat(cmd.stream().filter(a -> a.startsWith("-Xmx"))).hasSize(1);
    }

    @Test
    void theUsersOwnFirstHeapOrATinyMaxHeapIsLeftAlone() {
        assertThat(command("-Xmx256m", "-Xms128m")).doesNotContain("-Xms24m", "-XX:NewSize=16m");
        assertThat(command("-XX:MaxHeapSize=16m")).doesNotContain("-Xms24m");
        assertThat(command("-XX:MaxRAMPercentage=50")).doesNotContain("-Xms24m", "-XX:NewSize=16m");
        // a max heap too small for a 64 MiB young generation gets the small first heap only
        assertThat(command("-Xmx100m")).contains("-Xms24m").doesNotContain("-XX:NewSize=16m");
        assertThat(command("-Xmx1g", "-Xmn32m")).contains("-Xms24m").doesNotContain("-XX:NewSize=16m");
    }

    @Test
    void theLoggingOptionsAreOnesEachJdkHereAccepts() throws Exception {
        // JDK 25 silences the AOT cache's warnings with a tag that JDK 17 rejects as an invalid option
        List<Path> homes = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
        Path jvms = Path.of("/usr/lib/jvm");
        if (java.nio.file.Files.isDirectory(jvms)) {
            try (var dirs = java.nio.file.Files.list(jvms)) {
                dirs.filter(home -> java.nio.file.Files.isExecutable(home.resolve("bin").resolve("java"))).forEach(homes::add);
            }
        }
        for (Path home : homes) {
            List<String> cmd = WorkerCommand.build(PoolConfig.builder().javaHome(home).build(), 2, Path.of("/tmp"));
            List<String> check = new java.util.ArrayList<>(List.of(cmd.get(0)));
            cmd.stream().filter(arg -> arg.startsWith("-Xlog")).forEach(check::add);
            check.add("-version");
            Process process = new ProcessBuilder(check).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(check + "\n" + output).isZero();
            if (output.contains("version \"25")) {
                assertThat(check).contains("-Xlog:all=warning,cds*=off,aot*=off:stderr");
            }
        }
    }

    @Test
    void sizesAreReadAsTheJvmReadsThem() {
        assertThat(WorkerCommand.userMaxHeapBytes(List.of("-Xmx2g"))).isEqualTo(2L << 30);
        assertThat(WorkerCommand.userMaxHeapBytes(List.of("-Xmx512M", "-XX:MaxHeapSize=300m"))).isEqualTo(300L << 20);
        assertThat(WorkerCommand.userMaxHeapBytes(List.of("-Xmx65536k"))).isEqualTo(64L << 20);
        assertThat(WorkerCommand.userMaxHeapBytes(List.of("-XX:MaxRAMPercentage=50"))).isEqualTo(-1);
    }

    @Test
    void aRealWorkerGivenOnlyMaxHeapStartsWithASmallHeap() throws Exception {
        ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("first-heap").maxWorkers(1)
                .jvmArgs(List.of("-Xmx256m")).build());
        try {
            long committed = pool.submit(() -> Runtime.getRuntime().totalMemory()).get(60, TimeUnit.SECONDS);
            long max = pool.submit(() -> Runtime.getRuntime().maxMemory()).get(60, TimeUnit.SECONDS);
            // before: the whole -Xmx256m was the first heap (committed = max) and stayed resident when idle
            assertThat(committed).isLessThan(64L << 20);
            assertThat(max).isGreaterThan(200L << 20);
        } finally {
            pool.shutdownNow();
        }
    }
}
