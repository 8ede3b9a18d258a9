package dev.loky.it.realapp;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.util.FileSystemUtils;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shared database whose schema Hibernate creates ({@code create-drop}) and whose data
 * {@code spring.sql.init} seeds. A worker that ran them again would drop the parent's tables and
 * re-seed them: the visit written by the parent before the worker started would be gone.
 */
@SpringBootTest(properties = {"spring.datasource.url=jdbc:h2:file:./target/h2-init/clinic;AUTO_SERVER=TRUE",
        "spring.datasource.username=sa", "spring.flyway.enabled=false", "spring.jpa.hibernate.ddl-auto=create-drop",
        "spring.sql.init.mode=always", "spring.sql.init.data-locations=classpath:seed-data.sql",
        "spring.jpa.defer-datasource-initialization=true"})
class SharedDatabaseSqlInitTests {

    static {
        FileSystemUtils.deleteRecursively(Path.of("target/h2-init").toFile());
    }

    @Autowired
    ClinicService clinic;

    @Autowired
    VisitRepository visits;

    @Test
    void theWorkerNeitherRecreatesNorReseedsTheDatabase() {
        visits.save(new Visit(1L, "written by the parent before any worker started"));

        assertThat(clinic.counts()).as("owners and visits seen by the worker").containsExactly(2L, 1L);

        long visit = clinic.recordVisit(2L, "written by the worker");
        assertThat(visits.findById(visit)).get().extracting(Visit::getDescription).isEqualTo("written by the worker");
        assertThat(visits.count()).isEqualTo(2);
    }
}
