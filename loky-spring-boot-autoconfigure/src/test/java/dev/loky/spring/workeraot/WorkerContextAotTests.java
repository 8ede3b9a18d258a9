package dev.loky.spring.workeraot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.spring.LokyPoolCustomizer;
import dev.loky.spring.workeraot.AotWorkerApplication.AotService;
import dev.loky.spring.workeraot.AotWorkerApplication.WorkerView;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * The worker context's Spring AOT output, end to end: the build step
 * ({@code WorkerContextAotProcessor}, run in a JVM of its own as the Maven goal runs it) processes
 * {@link AotWorkerApplication}'s worker context into a copy of its classes; real workers started on
 * those classes boot from the generated initializer (Spring's generated-artifacts mode, a
 * {@code GenericApplicationContext} instead of an annotation-config one), still skip the
 * application's runners, still run nested calls inline and still inject its beans. Once the
 * classes change, workers boot as without it and the start-up line says why.
 */
@ExtendWith(OutputCaptureExtension.class)
class WorkerContextAotTests {

    static final String INITIALIZER = AotWorkerApplication.class.getName() + "__LokyWorkerApplicationContextInitializer";

    @TempDir
    static Path dir;

    static Path processed;

    @BeforeAll
    static void processTheWorkerContext() throws Exception {
        processed = dir.resolve("classes");
        Path packageDir = Path.of(AotWorkerApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(AotWorkerApplication.class.getPackageName().replace('.', '/'));
        Path target = processed.resolve(AotWorkerApplication.class.getPackageName().replace('.', '/'));
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(packageDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("AotWorkerApplication")).toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        Path log = dir.resolve("processor.log");
        Process processor = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", processed + File.pathSeparator + System.getProperty("java.class.path"),
                "dev.loky.spring.worker.WorkerContextAotProcessor", "--classes", processed.toString(),
                "--generated", dir.resolve("generated").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(processor.waitFor(3, TimeUnit.MINUTES)).as("the processor finished").isTrue();
        assertThat(processor.exitValue()).as(Files.readString(log)).isZero();
        assertThat(processed.resolve("META-INF/loky/worker-aot.properties")).exists();
        assertThat(processed.resolve(INITIALIZER.replace('.', '/') + ".class")).exists();
    }

    @Test
    void workersBootFromTheGeneratedInitializerAndKeepTheWorkerContextsRules(CapturedOutput output) {
        try (ConfigurableApplicationContext app = start(processed)) {
            WorkerView view = app.getBean(AotService.class).view();
            assertThat(view.pid()).as("answered by a worker").isNotEqualTo(ProcessHandle.current().pid());
            assertThat(view.generatedArtifacts()).as("Spring's generated-artifacts mode in the worker").isTrue();
            assertThat(view.contextClass()).isEqualTo(GenericApplicationContext.class.getName());
            assertThat(view.greeting()).isEqualTo("hello from a worker");
            assertThat(view.runnerRan()).as("the application's runner ran in the worker").isFalse();
            assertThat(view.nestedPid()).as("a nested @ProcessAsync call runs inline in the worker").isEqualTo(view.pid());
            assertThat(output).contains("Workers boot their Spring context from its AOT output (" + INITIALIZER + ")");
        }
    }

    @Test
    void changedClassesMakeWorkersBootWithoutItAndSayWhy(CapturedOutput output) throws IOException {
        Path changed = dir.resolve("changed");
        FileSystemUtils.copyRecursively(processed, changed);
        Path packageDir = changed.resolve(AotWorkerApplication.class.getPackageName().replace('.', '/'));
        // a class added after the build step (never loaded: only the hash sees it)
        Files.copy(packageDir.resolve("AotWorkerApplication$Greeting.class"), packageDir.resolve("AddedLater.class"));
        try (ConfigurableApplicationContext app = start(changed)) {
            WorkerView view = app.getBean(AotService.class).view();
            assertThat(view.pid()).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(view.generatedArtifacts()).isFalse();
            assertThat(view.contextClass()).isEqualTo(AnnotationConfigApplicationContext.class.getName());
            assertThat(view.greeting()).isEqualTo("hello from a worker");
            assertThat(view.runnerRan()).isFalse();
            assertThat(view.nestedPid()).isEqualTo(view.pid());
            assertThat(output).contains("Workers boot their Spring context without AOT output: the application's classes in " + changed
                    + " changed since the worker context's Spring AOT output was made");
        }
    }

    /** The application in this JVM, its workers on {@code classes} first. */
    private static ConfigurableApplicationContext start(Path classes) {
        LokyPoolCustomizer onProcessedClasses = builder -> builder.classpath(classes + File.pathSeparator + builder.build().classpath());
        return new SpringApplicationBuilder(AotWorkerApplication.class).web(WebApplicationType.NONE)
                .properties(List.of("loky.max-workers=1", "loky.worker.startup-cache=off", "loky.memory.leak-protection=false")
                        .toArray(String[]::new))
                .initializers(context -> context.getBeanFactory().registerSingleton("onProcessedClasses", onProcessedClasses))
                .run();
    }
}
