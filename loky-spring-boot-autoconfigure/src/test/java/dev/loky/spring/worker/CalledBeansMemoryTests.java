package dev.loky.spring.worker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.SerializationUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The called beans travel to new workers and to the application's next run (a real file in a private directory). */
class CalledBeansMemoryTests {

    @TempDir
    Path dir;

    @Test
    void theBeansCalledInOneRunAreWhereTheNextRunStarts() {
        CalledBeansMemory memory = CalledBeansMemory.in(dir, List.of("com.example.App"), "app.jar");
        WorkerContextInitializer first = initializer();
        first.rememberIn(memory);
        assertThat(first.calledBeans()).isEmpty();
        assertThat(first.startupCacheVariant()).isEmpty();

        first.called("clinicService");
        first.called("reportService");
        first.called("clinicService");

        WorkerContextInitializer next = initializer();
        next.rememberIn(CalledBeansMemory.in(dir, List.of("com.example.App"), "app.jar"));
        assertThat(next.calledBeans()).containsExactlyInAnyOrder("clinicService", "reportService");
        assertThat(next.startupCacheVariant()).isEqualTo("clinicService,reportService");

        WorkerContextInitializer otherApplication = initializer();
        otherApplication.rememberIn(CalledBeansMemory.in(dir, List.of("com.example.App"), "app-2.0.jar"));
        assertThat(otherApplication.calledBeans()).as("another classpath is another application").isEmpty();
    }

    @Test
    void aWorkerReceivesTheBeansCalledBeforeItStarted() {
        WorkerContextInitializer initializer = initializer();
        initializer.called("clinicService");

        WorkerContextInitializer inWorker = SerializationUtils.clone(initializer);

        assertThat(inWorker.calledBeans()).containsExactly("clinicService");
        inWorker.called("late");
        assertThat(initializer.calledBeans()).as("the caller's set is its own").containsExactly("clinicService");
    }

    @Test
    void linesThatAreNoBeanNamesAreIgnoredAndALinkIsNotFollowed() throws Exception {
        CalledBeansMemory memory = CalledBeansMemory.in(dir, List.of("com.example.App"), "app.jar");
        Files.writeString(memory.file(), "clinicService\n\nbad\u0007name\n" + "x".repeat(300) + "\n");
        assertThat(memory.load()).containsExactly("clinicService");

        Files.delete(memory.file());
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.txt"), "planted\n");
        Files.createSymbolicLink(memory.file(), elsewhere);
        assertThat(memory.load()).isEmpty();
    }

    private static WorkerContextInitializer initializer() {
        return WorkerContextInitializer.capture(new StandardEnvironment(), List.of("com.example.App"), List.of(), new String[0]);
    }
}
