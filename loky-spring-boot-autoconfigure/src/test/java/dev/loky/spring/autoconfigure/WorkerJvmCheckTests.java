package dev.loky.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import dev.loky.internal.pool.cache.CacheDirectory;
import dev.loky.spring.InvalidLokyPropertyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code loky.worker.jvm-args} check starts a JVM only for a combination of JVM and arguments
 * it has not seen accepted: the "JDK" here is a script that counts its runs and then runs the real
 * {@code java}.
 */
@DisabledOnOs(OS.WINDOWS)
class WorkerJvmCheckTests {

    @TempDir
    Path tmp;

    @Test
    void anAcceptedCombinationIsRememberedAndARejectedOneIsCheckedEveryTime() throws Exception {
        Path runs = tmp.resolve("runs");
        File javaHome = countingJavaHome(runs);
        Optional<Path> cache = CacheDirectory.open(tmp.resolve("cache"));
        assertThat(cache).isPresent();

        WorkerJvmCheck.check(javaHome, List.of("-Xmx64m"), cache);
        WorkerJvmCheck.check(javaHome, List.of("-Xmx64m"), cache);
        assertThat(runs(runs)).as("the second start of the same combination starts no JVM").isEqualTo(1);
        try (var entries = Files.list(cache.get())) {
            assertThat(entries.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("jvm-args-ok-");
        }

        WorkerJvmCheck.check(javaHome, List.of("-Xmx64m", "-Dother=1"), cache);
        assertThat(runs(runs)).as("other arguments are checked").isEqualTo(2);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> WorkerJvmCheck.check(javaHome, List.of("-XX:+NoSuchLokyOption"), cache))
                    .isInstanceOf(InvalidLokyPropertyException.class).hasMessageContaining("NoSuchLokyOption");
        }
        assertThat(runs(runs)).as("a rejection is never remembered").isEqualTo(4);

        WorkerJvmCheck.check(javaHome, List.of("-Xmx64m"), Optional.empty());
        assertThat(runs(runs)).as("without a usable cache directory every start checks").isEqualTo(5);
    }

    @Test
    void theNameDependsOnTheBinaryAndOnEachArgument() throws Exception {
        File java = new File(System.getProperty("java.home"), "bin/java");
        assertThat(WorkerJvmCheck.verdictName(java, List.of("-Da=b,c"))).isNotEqualTo(WorkerJvmCheck.verdictName(java, List.of("-Da=b", "c")))
                .isEqualTo(WorkerJvmCheck.verdictName(java, List.of("-Da=b,c")));
        File other = tmp.resolve("bin/java").toFile();
        Files.createDirectories(other.toPath().getParent());
        Files.writeString(other.toPath(), "#!/bin/sh\n");
        assertThat(WorkerJvmCheck.verdictName(other, List.of("-Xmx64m"))).isNotEqualTo(WorkerJvmCheck.verdictName(java, List.of("-Xmx64m")));
    }

    private File countingJavaHome(Path runs) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("jdk/bin"));
        Path java = bin.resolve("java");
        String real = new File(System.getProperty("java.home"), "bin/java").getAbsolutePath();
        Files.writeString(java, "#!/bin/sh\necho run >> '" + runs + "'\nexec '" + real + "' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        return bin.getParent().toFile();
    }

    private static long runs(Path runs) throws Exception {
        return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
    }
}
