package dev.loky.it.realapp;

import dev.loky.ProcessExecutor;
import dev.loky.it.realapp.WorkerInspector.WorkerBeans;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker started after the application called a {@code @ProcessAsync} bean (here a replacement
 * for a killed worker) creates that bean and its dependency closure (JPA, the connection pool)
 * right after it reports ready, so that creation never counts against its start-up timeout and
 * the calls after it do not wait for Hibernate's boot; the first
 * worker, started before any call, stays slim ({@link SlimWorkerContextTests}). Its own context (a
 * property of its own) so that its single worker is new.
 */
@SpringBootTest(properties = {"loky.max-workers=1", "spring.application.name=realapp-warm"})
class WarmReplacementTests {

    @Autowired
    WorkerInspector inspector;

    @Autowired
    ClinicService clinic;

    @Autowired
    ProcessExecutor executor;

    @Test
    void aReplacementWorkerCreatesTheBeansTheApplicationCalledOnceItIsReady() {
        WorkerBeans slim = inspector.beans();
        assertThat(slim.singletons()).contains("workerInspector").doesNotContain("clinicService", "entityManagerFactory");
        assertThat(clinic.petCount(new OwnerSummary(9L, "Ann", List.of("Rex", "Tom")))).isEqualTo(2);

        ProcessHandle.of(slim.pid()).ifPresent(ProcessHandle::destroyForcibly);
        await("the pool has seen its worker die").atMost(Duration.ofSeconds(30))
                .until(() -> executor.snapshot().workers().stream().noneMatch(w -> w.pid() == slim.pid()));

        // the replacement creates them right after it reported ready (never inside its start-up
        // timeout), beside its first calls: this inspection may run while it still creates them
        WorkerBeans replacement = await("the replacement creates the called beans once ready").atMost(Duration.ofSeconds(60))
                .until(inspector::beans, beans -> beans.singletons().containsAll(List.of("clinicService", "entityManagerFactory", "dataSource")));
        System.out.printf("replacement worker %d: %d beans created before its first ClinicService call, %d classes loaded%n",
                replacement.pid(), replacement.singletons().size(), replacement.classesLoaded());
        assertThat(replacement.pid()).as("a new worker").isNotEqualTo(slim.pid());
        long start = System.nanoTime();
        assertThat(clinic.petCount(new OwnerSummary(9L, "Ann", List.of("Rex")))).isEqualTo(1);
        System.out.printf("first ClinicService call in the replacement: %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }
}
