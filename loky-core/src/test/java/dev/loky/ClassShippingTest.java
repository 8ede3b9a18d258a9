package dev.loky;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lambdas from wherever Java code is written, run with the real tools: jshell (its default
 * execution, in an agent JVM, and local execution in its own JVM), a single-file program
 * ({@code java Foo.java}) and a program whose classes come from a class loader of its own, as under
 * {@code mvn exec:java}. Before class shipping, jshell's {@code submit} failed with
 * {@code ClassNotFoundException: REPL.$JShell$13} and its {@code map} with a
 * {@code ClassCastException}; a single-file program with {@code ClassNotFoundException: Foo}.
 */
class ClassShippingTest {

    @TempDir
    Path tmp;

    private static final String CLASS_PATH = System.getProperty("java.class.path");

    /** Runs a command to its end (at most 3 minutes); its output. */
    private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("%s finished", command.get(0)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    private Path session() throws IOException {
        Path script = tmp.resolve("session.jsh");
        try (var in = getClass().getResourceAsStream("/repl/session.jsh")) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    private static void assertSession(String output) {
        assertThat(output).as(output)
                .contains("submit=49")
                .contains("map=[10, 20, 30]")
                .contains("record=Point[x=1, y=2]")
                .contains("factor=6") // a jshell variable travels by value
                .contains("factor-after=10") // and again once it changed
                .contains("map-factor=[5, 10]")
                .contains("in-worker=true")
                .containsPattern("future=task #\\d+ \\(lambda in REPL\\.\\$JShell\\$\\d+\\)")
                .doesNotContain("Exception");
    }

    @Test
    void jshellDefaultExecution() throws Exception {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        Assumptions.assumeTrue(Files.isExecutable(jshell), "needs a JDK with jshell");
        assertSession(run(tmp, List.of(jshell.toString(), "--class-path", CLASS_PATH, session().toString())));
    }

    /** Local execution runs snippets in jshell's own JVM; JDK 17's jshell ignores --class-path there, so a JDK 25 runs it. */
    @Test
    void jshellLocalExecution() throws Exception {
        Path jdk = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        Path jshell = jdk.resolve("bin/jshell");
        Assumptions.assumeTrue(Files.isExecutable(jshell), "needs Temurin 25's jshell");
        assertSession(run(tmp, List.of(jshell.toString(), "--execution", "local", "--class-path", CLASS_PATH,
                session().toString())));
    }

    @Test
    void singleFileProgram() throws Exception {
        Path source = tmp.resolve("Thumbs.java");
        Files.writeString(source, """
                import dev.loky.*;
                import java.util.List;

                public class Thumbs {
                    record Size(int w, int h) implements java.io.Serializable {
                        Size half() { return new Size(w / 2, h / 2); }
                    }

                    public static void main(String[] args) throws Exception {
                        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().maxWorkers(2).build())) {
                            System.out.println("submit=" + pool.submit(() -> new Size(1600, 1200).half()).get());
                            System.out.println("map=" + pool.map(Size::half, List.of(new Size(4, 2), new Size(8, 6))));
                            long self = ProcessHandle.current().pid();
                            System.out.println("in-worker=" + (pool.submit(() -> ProcessHandle.current().pid()).get() != self));
                        }
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String output = run(tmp, List.of(java, "--class-path", CLASS_PATH, source.toString()));
        assertThat(output).as(output).contains("submit=Size[w=800, h=600]")
                .contains("map=[Size[w=2, h=1], Size[w=4, h=3]]").contains("in-worker=true").doesNotContain("Exception");
    }

    /**
     * {@code mvn exec:java}'s situation: {@code java.class.path} holds only a launcher, and loky and
     * the program come from a class loader of their own. The workers' class path is rebuilt from it
     * (before: 8–9 failed starts of "Could not find or load main class dev.loky.internal.worker.WorkerMain").
     */
    @Test
    void programInAClassLoaderOfItsOwn() throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        Path source = tmp.resolve("Isolated.java");
        Files.writeString(source, """
                public class Isolated {
                    public static void main(String[] args) throws Exception {
                        try (dev.loky.ProcessExecutor pool = dev.loky.ProcessExecutors.create(
                                dev.loky.PoolConfig.builder().maxWorkers(1).build())) {
                            System.out.println("submit=" + pool.submit(() -> 6 * 7).get());
                            System.out.println("java.class.path=" + System.getProperty("java.class.path"));
                        }
                    }
                }
                """);
        String javac = Path.of(System.getProperty("java.home"), "bin", "javac").toString();
        assertThat(run(tmp, List.of(javac, "-cp", CLASS_PATH, "-d", classes.toString(), source.toString()))).isEmpty();
        Path launcher = tmp.resolve("Launch.java");
        Files.writeString(launcher, """
                import java.net.URL;
                import java.net.URLClassLoader;
                import java.nio.file.Path;
                import java.util.ArrayList;
                import java.util.List;

                public class Launch {
                    public static void main(String[] args) throws Exception {
                        List<URL> urls = new ArrayList<>();
                        for (String entry : args[0].split(java.io.File.pathSeparator)) {
                            urls.add(Path.of(entry).toUri().toURL());
                        }
                        URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
                        Thread.currentThread().setContextClassLoader(loader);
                        loader.loadClass("Isolated").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
                    }
                }
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String output = run(tmp, List.of(java, launcher.toString(), classes + File.pathSeparator + CLASS_PATH));
        assertThat(output).as(output).contains("submit=42").doesNotContain("Could not find or load main class");
    }

    /**
     * A class whose bytes nobody can give (its loader hides its class files): the call fails at once
     * with {@code TaskSerializationException}, naming the class, the loaders asked and the workers'
     * class path, and the pool goes on.
     */
    @Test
    void aClassWhoseBytesCannotBeHadFailsItsCallNamingClassLoaderAndClassPath() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(src.resolve("Hidden.java"), """
                public class Hidden implements dev.loky.RemoteCallable<Integer> {
                    public Integer call() { return 1; }
                }
                """);
        javax.tools.JavaCompiler compiler = javax.tools.ToolProvider.getSystemJavaCompiler();
        assertThat(compiler.run(null, null, null, "-cp", CLASS_PATH, "-d", out.toString(), src.resolve("Hidden.java").toString())).isZero();
        byte[] bytes = Files.readAllBytes(out.resolve("Hidden.class"));
        ClassLoader hiding = new ClassLoader("hiding", getClass().getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.equals("Hidden")) {
                    return defineClass(name, bytes, 0, bytes.length);
                }
                throw new ClassNotFoundException(name);
            }
        };
        @SuppressWarnings("unchecked")
        RemoteCallable<Integer> task = (RemoteCallable<Integer>) hiding.loadClass("Hidden").getConstructor().newInstance();
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("hidden").maxWorkers(1).build())) {
            TaskSerializationException e = dev.loky.support.Futures.failure(pool.submit(task), TaskSerializationException.class);
            assertThat(e.side()).isEqualTo(TaskSerializationException.Side.ARGUMENT_IN_WORKER);
            assertThat(dev.loky.support.Futures.chain(e)).contains("Hidden").contains("not on the worker's class path (")
                    .contains("none of the class loaders of this pool's tasks").contains("hiding");
            assertThat(dev.loky.support.Futures.value(pool.submit(() -> 6 * 7))).isEqualTo(42);
        }
    }
}
