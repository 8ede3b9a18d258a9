package dev.loky.it.realapp;

import dev.loky.it.realapp.WorkerInspector.WorkerBeans;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's context is really slim: a worker whose calls need no database starts neither the
 * connection pool nor JPA (nor the caches, the task executor's metrics...), although the
 * application has all of them; a later call to a bean that uses repositories creates them in the
 * same worker and works. Its own context (a property of its own) so that its single worker is new.
 */
@SpringBootTest(properties = {"loky.max-workers=1", "spring.application.name=realapp-slim"})
class SlimWorkerContextTests {

    @Autowired
    WorkerInspector inspector;

    @Autowired
    ClinicService clinic;

    @Test
    void aWorkerCreatesOnlyWhatItsCallsNeed() {
        WorkerBeans slim = inspector.beans();
        System.out.printf("slim worker %d: %d of %d bean definitions created, %d classes loaded%n", slim.pid(),
                slim.singletons().size(), slim.definitions(), slim.classesLoaded());
        assertThat(slim.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(slim.singletons()).contains("workerInspector")
                .doesNotContain("clinicService", "entityManagerFactory", "dataSource", "ownerRepository",
                        "transactionManager", "flyway");

        // the worker's in-memory database is its own, empty copy (workers never migrate): this call
        // needs no table, but its bean needs repositories, so JPA starts for it
        assertThat(clinic.petCount(new OwnerSummary(9L, "Ann", java.util.List.of("Rex", "Tom"))))
                .as("a bean with repositories still works in that worker").isEqualTo(2);

        WorkerBeans afterJpa = inspector.beans();
        System.out.printf("after a JPA call %d: %d beans created, %d classes loaded%n", afterJpa.pid(),
                afterJpa.singletons().size(), afterJpa.classesLoaded());
        assertThat(afterJpa.pid()).as("the same worker").isEqualTo(slim.pid());
        assertThat(afterJpa.singletons()).contains("clinicService", "entityManagerFactory", "dataSource");
        assertThat(afterJpa.classesLoaded()).isGreaterThan(slim.classesLoaded());
    }
}
