package dev.loky;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain {@code java -cp} program as a batch user writes it: no SLF4J binding on the class path,
 * and on Temurin 25 no {@code --enable-native-access}. Before: a task's {@code System.out}
 * disappeared silently without a binding, and the JVM printed four JNA "restricted method"
 * warnings (OSHI, for the workers' resident memory).
 */
class PlainJavaProgramTest {

    @TempDir
    Path tmp;

    private static final String PROGRAM = """
            import dev.loky.*;

            public class Plain {
                public static void main(String[] args) throws Exception {
                    try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().maxWorkers(1).build())) {
                        pool.submit(() -> {
                            System.out.println("hello from the task");
                            return 1;
                        }).get();
                        pool.snapshot(); // reads the workers' resident memory
                        Thread.sleep(2500); // past the moment OSHI used to be warmed up
                        System.out.println("rss=" + pool.snapshot().workers().get(0).rssBytes());
                    }
                }
            }
            """;

    private String run(Path java, String classpath) throws Exception {
        Path source = tmp.resolve("Plain.java");
        Files.writeString(source, PROGRAM);
        Process p = new ProcessBuilder(java.toString(), "-cp", classpath, source.toString()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return out;
    }

    /** The test class path without logback: no SLF4J binding. */
    private static String withoutBinding() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("logback")).collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void withoutAnSlf4jBindingATasksOutputReachesStderrPrefixedWithItsWorker() throws Exception {
        String output = run(Path.of(System.getProperty("java.home"), "bin", "java"), withoutBinding());
        assertThat(output).as(output).containsPattern("\\[[^\\]]+-1 pid \\d+\\] hello from the task");
        assertThat(output).containsPattern("rss=[1-9]\\d*");
    }

    @Test
    void onJdk25APlainProgramPrintsNoRestrictedMethodWarnings() throws Exception {
        Path java = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        Assumptions.assumeTrue(Files.isExecutable(java), "needs Temurin 25");
        String output = run(java, System.getProperty("java.class.path"));
        assertThat(output).as(output).doesNotContain("restricted method").doesNotContain("WARNING:")
                .containsPattern("rss=[1-9]\\d*");
    }
}
