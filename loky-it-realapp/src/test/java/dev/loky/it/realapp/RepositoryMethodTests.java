package dev.loky.it.realapp;

import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.Advised;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @ProcessAsync} methods of a Spring Data repository run in a worker. Before, loky looked for
 * the annotation on the proxy's target ({@code SimpleJpaRepository}, a Spring class it skips), so
 * the repository was never advised and its calls ran inline in the caller's JVM, silently: in a
 * test suite, a call answered from the test JVM itself in milliseconds. Runs in the same Surefire
 * JVM as the other {@code @SpringBootTest} classes of this module, each with its own cached context.
 */
@SpringBootTest(properties = {"loky.max-workers=1", "spring.application.name=realapp-repository"})
class RepositoryMethodTests {

    @Autowired
    OwnerStatistics statistics;

    @Autowired
    OwnerRepository owners;

    @Test
    void aRepositorysProcessAsyncMethodsRunInAWorker() {
        assertThat(statistics).isInstanceOf(Advised.class);
        assertThat(statistics.runningPid()).as("a default method of the repository").isNotEqualTo(ProcessHandle.current().pid());

        // the worker's in-memory database is its own, empty copy (workers never migrate): the query
        // that would find the table in this JVM finds none there
        assertThatThrownBy(() -> statistics.countByName("Rosalind")).as("a query method")
                .hasMessageContaining("Table \"OWNER\" not found (this database is empty)");
        assertThat(owners.count()).as("the table is there in this JVM").isNotNegative();
    }
}
