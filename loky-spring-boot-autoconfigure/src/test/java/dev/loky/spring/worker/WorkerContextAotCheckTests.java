package dev.loky.spring.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the parent decides, without a worker JVM, whether workers may boot from the worker
 * context's AOT output: the same classes give the same hash as a directory, a plain jar and an
 * executable jar's {@code BOOT-INF/classes/}; generated classes do not count; every mismatch says
 * what changed.
 */
class WorkerContextAotCheckTests {

    static final List<String> SOURCES = List.of("com.example.App");
    static final List<String> PROFILES = List.of("loky-worker");

    @TempDir
    Path dir;

    @Test
    void matchingOutputIsUsedFromADirectoryAPlainJarAndAnExecutableJar() throws IOException {
        Path classes = classes();
        WorkerContextAot.writeDescriptor(classes, "com.example.App__LokyWorkerApplicationContextInitializer", SOURCES, PROFILES);
        String expected = "com.example.App__LokyWorkerApplicationContextInitializer";
        assertThat(WorkerContextAot.check(SOURCES, PROFILES, "/nowhere:" + classes).initializer()).isEqualTo(expected);
        assertThat(WorkerContextAot.check(SOURCES, PROFILES, jar(classes, "app.jar", "").toString()).initializer()).isEqualTo(expected);
        assertThat(WorkerContextAot.check(SOURCES, PROFILES, jar(classes, "fat.jar", "BOOT-INF/classes/").toString()).initializer())
                .isEqualTo(expected);
    }

    @Test
    void generatedClassesAndOtherResourcesDoNotCountButAClassAndTheApplicationsPropertiesDo() throws IOException {
        Path classes = classes();
        WorkerContextAot.writeDescriptor(classes, "X", SOURCES, PROFILES);
        write(classes, "com/example/App__LokyWorkerBeanDefinitions.class", "generated");
        write(classes, "com/example/App$$SpringCGLIB$$0.class", "proxy");
        write(classes, "static/index.html", "page");
        assertThat(WorkerContextAot.check(SOURCES, PROFILES, classes.toString()).reason()).isNull();

        write(classes, "application.properties", "greeting=changed");
        assertThat(WorkerContextAot.check(SOURCES, PROFILES, classes.toString()).reason())
                .isEqualTo("the application's classes in " + classes + " changed since the worker context's Spring AOT output was made"
                        + " (run the build step again, e.g. mvn package)");
    }

    @Test
    void eachMismatchSaysWhatDiffers() throws IOException {
        Path classes = classes();
        assertThat(WorkerContextAot.check(SOURCES, PROFILES, classes.toString()).reason())
                .startsWith("no Spring AOT output for the worker context in " + classes);
        WorkerContextAot.writeDescriptor(classes, "X", SOURCES, PROFILES);
        assertThat(WorkerContextAot.check(SOURCES, List.of("prod", "loky-worker"), classes.toString()).reason())
                .isEqualTo("the worker context's Spring AOT output was made for profiles [loky-worker], workers run [prod,loky-worker]:"
                        + " give the build step these profiles");
        assertThat(WorkerContextAot.check(List.of("com.example.App", "com.example.More"), PROFILES, classes.toString()).reason())
                .startsWith("the worker context's Spring AOT output was made for sources [com.example.App]");
        assertThat(WorkerContextAot.check(List.of("com.example.Elsewhere"), PROFILES, classes.toString()).reason())
                .isEqualTo("no class path entry of the workers holds com.example.Elsewhere");
    }

    private Path classes() throws IOException {
        Path classes = dir.resolve("classes");
        write(classes, "com/example/App.class", "app");
        write(classes, "com/example/Service.class", "service");
        write(classes, "application.properties", "greeting=hello");
        write(classes, "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports", "com.example.Auto");
        return classes;
    }

    private static void write(Path root, String name, String content) throws IOException {
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private Path jar(Path classes, String name, String prefix) throws IOException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            out.putNextEntry(new JarEntry("META-INF/MANIFEST.MF"));
            out.write("Manifest-Version: 1.0\n".getBytes());
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(prefix + classes.relativize(file).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(file));
            }
        }
        return jar;
    }
}
