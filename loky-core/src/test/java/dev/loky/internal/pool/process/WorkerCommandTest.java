package dev.loky.internal.pool.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import dev.loky.internal.pool.cache.CacheDirectory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        // G1's young generation may grow to half of the user's heap
        assertThat(cmd).contains("-Xms24m", "-XX:+UseG1GC", "-XX:NewSize=8m", "-XX:MaxNewSize=128m", "-Xmx256m");
        assertThat(cmd.stream().filter(a -> a.startsWith("-Xmx"))).containsExactly("-Xmx256m");
    }

    @Test
    void withoutUserHeapSettingsTheDefaultsApply() {
        List<String> cmd = command();
        long heap = WorkerCommand.defaultHeapMiB(2);
        assertThat(cmd).contains("-Xms24m", "-Xmx" + heap + "m", "-XX:+UseG1GC", "-XX:NewSize=8m",
                "-XX:MaxNewSize=" + Math.min(512, heap / 2) + "m", "-XX:G1PeriodicGCInterval=3000");
        assertThat(cmd.stream().filter(a -> a.startsWith("-Xmx"))).hasSize(1);
        assertThat(cmd.stream().filter(a -> a.matches("-XX:\\+Use\\w*GC"))).containsExactly("-XX:+UseG1GC");
    }

    @Test
    void anotherCollectorKeepsItsOwnYoungGenerationDefaultsAndNoG1Flags() {
        List<String> cmd = command("-XX:+UseSerialGC");
        assertThat(cmd).contains("-Xms24m", "-XX:NewSize=16m", "-XX:MaxNewSize=64m", "-XX:+UseSerialGC")
                .doesNotContain("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=3000");
        assertThat(command("-XX:+UseParallelGC")).contains("-XX:NewSize=16m", "-XX:MaxNewSize=64m")
                .noneMatch(a -> a.startsWith("-XX:G1"));
        // the last collector named wins, as in the JVM
        assertThat(command("-XX:+UseSerialGC", "-XX:+UseG1GC")).contains("-XX:NewSize=8m", "-XX:G1PeriodicGCInterval=3000");
        assertThat(command("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=0")).doesNotContain("-XX:G1PeriodicGCInterval=3000");
    }

    @Test
    void theUsersOwnFirstHeapOrATinyMaxHeapIsLeftAlone() {
        assertThat(command("-Xmx256m", "-Xms128m")).doesNotContain("-Xms24m").noneMatch(a -> a.startsWith("-XX:NewSize"));
        assertThat(command("-XX:MaxHeapSize=16m")).doesNotContain("-Xms24m");
        assertThat(command("-XX:MaxRAMPercentage=50")).doesNotContain("-Xms24m").noneMatch(a -> a.startsWith("-XX:NewSize"));
        // a max heap too small for a 64 MiB young generation gets the small first heap only
        assertThat(command("-Xmx100m")).contains("-Xms24m").noneMatch(a -> a.startsWith("-XX:NewSize"));
        assertThat(command("-Xmx1g", "-Xmn32m")).contains("-Xms24m").noneMatch(a -> a.startsWith("-XX:NewSize"));
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

    @Test
    void aRealDefaultWorkerRunsG1WithTheFlagsAsGiven() throws Exception {
        ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("g1-defaults").maxWorkers(1).build());
        try {
            List<String> seen = pool.submit(() -> {
                var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
                List<String> values = new java.util.ArrayList<>();
                java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().forEach(gc -> values.add(gc.getName()));
                for (String flag : List.of("UseG1GC", "G1PeriodicGCInterval", "NewSize", "MaxNewSize")) {
                    values.add(flag + "=" + hotspot.getVMOption(flag).getValue());
                }
                return values;
            }).get(60, TimeUnit.SECONDS);
            long heap = WorkerCommand.defaultHeapMiB(1);
            // the JVM took the young generation's bounds as given (it adjusts them, with a warning, when they do not fit)
            assertThat(seen).contains("G1 Young Generation", "UseG1GC=true", "G1PeriodicGCInterval=3000",
                    "NewSize=" + (8L << 20), "MaxNewSize=" + (Math.min(512, heap / 2) << 20));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void workerCrashReportsGoToAPrivateDirectoryNotAFixedNameInTmp() throws Exception {
        List<String> command = WorkerCommand.build(PoolConfig.builder().build(), 1, ErrorFiles.directory());
        String errorFile = command.stream().filter(a -> a.startsWith("-XX:ErrorFile=")).findFirst().orElseThrow();
        Path dir = Path.of(errorFile.substring("-XX:ErrorFile=".length())).getParent();
        assertThat(dir).isNotEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(dir.getFileName().toString()).startsWith("loky-worker-errors-").isNotEqualTo("loky-worker-errors-");
        assertThat(CacheDirectory.problem(dir)).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }
}
