package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Pools;

/**
 * The start-up cache on JDK 25 (the AOT cache of JEP 514/515), with real workers on the machine's
 * JDK 25: the first start records it, and a replacement for a killed worker starts from it.
 * Issue 20 measured a JDK 25 replacement 4× slower than a JDK 17 one, and a real application found
 * no {@code .aot} file after two starts, only 0-byte {@code *.aot.*.tmp.config} files.
 */
class Jdk25StartupCacheTest {

    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    @RegisterExtension
    final Pools pools = new Pools();

    @Test
    void theFirstStartRecordsTheAotCacheAndAReplacementStartsFromIt(@TempDir Path cacheDir, @TempDir Path jars) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JDK25.resolve("bin/java")), "needs a JDK 25 at " + JDK25);
        // the JVM archives classes from jars only: the build's class directories as jars
        ProcessExecutor pool = pools.create(PoolConfig.builder().name("aot25").maxWorkers(1).javaHome(JDK25)
                .classpath(jarredClasspath(jars)).startupCacheDir(cacheDir).build());

        long first = value(pool.submit(() -> ProcessHandle.current().pid()));
        Path aot;
        try {
            aot = await("the AOT cache is recorded").atMost(Duration.ofSeconds(90)).until(() -> aotFile(cacheDir), p -> p != null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no .aot in " + listing(cacheDir), e);
        }
        assertThat(Files.size(aot)).isPositive();

        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        long replacement = await().atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                return value(pool.submit(() -> ProcessHandle.current().pid()));
            } catch (RuntimeException e) {
                return -1L; // the task that met the kill
            }
        }, pid -> pid > 0 && pid != first);
        List<String> arguments = Arrays.asList(ProcessHandle.of(replacement).orElseThrow().info().arguments().orElse(new String[0]));
        assertThat(arguments).as("the replacement's JVM arguments").contains("-XX:AOTCache=" + aot);
        try (Stream<Path> files = Files.list(cacheDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary files left").noneMatch(n -> n.endsWith(".tmp")
                    || n.contains(".tmp."));
        }
    }

    /** The test's class path with each directory replaced by a jar of it. */
    static String jarredClasspath(Path jars) throws IOException {
        List<String> entries = new java.util.ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.isDirectory(path)) {
                entries.add(entry);
                continue;
            }
            Path jar = jars.resolve("dir-" + (n++) + ".jar");
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.walk(path)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new java.util.jar.JarEntry(path.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, out);
                    out.closeEntry();
                }
            }
            entries.add(jar.toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> {
                try {
                    return p + " " + (Files.isRegularFile(p) ? Files.size(p) : "dir");
                } catch (IOException e) {
                    return p + " ?";
                }
            }).toList().toString();
        }
    }

    private static Path aotFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            // with its checksum, written last: a cache without it is never used
            return files.filter(p -> p.getFileName().toString().endsWith(".aot") && Files.exists(p.resolveSibling(p.getFileName() + ".sha256")))
                    .findFirst().orElse(null);
        }
    }
}
