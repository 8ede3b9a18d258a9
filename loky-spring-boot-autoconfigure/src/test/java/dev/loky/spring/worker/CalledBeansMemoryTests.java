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

        first.called("clinicService", ClinicService.class);
        first.called("reportService", ReportService.class);
        first.called("clinicService", ClinicService.class);

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
        initializer.called("clinicService", ClinicService.class);

        WorkerContextInitializer inWorker = SerializationUtils.clone(initializer);

        assertThat(inWorker.calledBeans()).containsExactly("clinicService");
        inWorker.called("late", ReportService.class);
        assertThat(initializer.calledBeans()).as("the caller's set is its own").containsExactly("clinicService");
    }

    @Test
    void linesThatAreNoBeanNamesAreIgnoredAndALinkIsNotFollowed() throws Exception {
        CalledBeansMemory memory = CalledBeansMemory.in(dir, List.of("com.example.App"), "app.jar");
        String clinic = ClinicService.class.getName() + " " + CalledBeansMemory.fingerprint(ClinicService.class);
        Files.writeString(memory.file(), "clinicService " + clinic + "\n\nbad\u0007name " + clinic + "\n" + "x".repeat(300) + " " + clinic
                + "\nbareName\n");
        assertThat(memory.load(loader())).extracting(CalledBeansMemory.CalledBean::name).containsExactly("clinicService");

        Files.delete(memory.file());
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.txt"), "planted\n");
        Files.createSymbolicLink(memory.file(), elsewhere);
        assertThat(memory.load(loader())).isEmpty();
    }

    /**
     * A remembered bean is keyed to its class: after a refactor that moved {@code @ProcessAsync}
     * off a bean, or changed its class, the next run's workers no longer create it ahead of calls.
     * Before, the memory held bare names, and a stale one made every prestarted worker build the old
     * bean (and Hibernate) before it reported ready.
     */
    @Test
    void aBeanWhoseClassIsGoneChangedOrNoLongerProcessAsyncIsForgotten() throws Exception {
        CalledBeansMemory memory = CalledBeansMemory.in(dir, List.of("com.example.App"), "app.jar");
        WorkerContextInitializer first = initializer();
        first.rememberIn(memory);
        first.called("clinicService", ClinicService.class);
        first.called("renderingService", ReportService.class);
        String saved = Files.readString(memory.file());
        assertThat(saved).contains("clinicService " + ClinicService.class.getName() + " ")
                .contains("renderingService " + ReportService.class.getName() + " ");

        // the refactor: renderingService's class lost its @ProcessAsync methods, another class was renamed,
        // and clinicService's class changed (its bytes' fingerprint differs)
        Files.writeString(memory.file(), saved.replace(ReportService.class.getName(), NoLongerProcessAsync.class.getName())
                .replace("clinicService " + ClinicService.class.getName() + " " + CalledBeansMemory.fingerprint(ClinicService.class),
                        "clinicService " + ClinicService.class.getName() + " 00000000000000000000")
                + "gone com.example.Gone 0123456789abcdef0123\n");
        WorkerContextInitializer next = initializer();
        next.rememberIn(memory);
        assertThat(next.calledBeans()).isEmpty();
    }

    private static ClassLoader loader() {
        return CalledBeansMemoryTests.class.getClassLoader();
    }

    public static class ClinicService {
        @dev.loky.spring.ProcessAsync
        public int visits() {
            return 1;
        }
    }

    public static class ReportService {
        @dev.loky.spring.ProcessAsync
        public String report() {
            return "report";
        }
    }

    public static class NoLongerProcessAsync {
        public String report() {
            return "report";
        }
    }

    private static WorkerContextInitializer initializer() {
        return WorkerContextInitializer.capture(new StandardEnvironment(), List.of("com.example.App"), List.of(), new String[0]);
    }
}
