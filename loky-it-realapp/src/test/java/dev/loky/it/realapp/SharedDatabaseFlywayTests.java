package dev.loky.it.realapp;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileSystemUtils;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parent and its worker share one database (an H2 file database in server mode), migrated by
 * Flyway. A worker must not migrate it again: Flyway's afterMigrate callback counts every run.
 */
@SpringBootTest(properties = {"spring.datasource.url=jdbc:h2:file:./target/h2/flyway;AUTO_SERVER=TRUE",
        "spring.datasource.username=sa"})
class SharedDatabaseFlywayTests {

    static {
        FileSystemUtils.deleteRecursively(Path.of("target/h2").toFile());
    }

    @Autowired
    ClinicService clinic;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theWorkerUsesTheMigratedDatabaseWithoutMigratingIt() {
        assertThat(jdbc.queryForObject("select count(*) from migrate_run", Long.class)).isOne();

        assertThat(clinic.flywayRuns()).as("Flyway runs seen by the worker").isOne();
        assertThat(clinic.counts()).containsExactly(2L, 0L);

        long visit = clinic.recordVisit(1L, "vaccination");
        assertThat(jdbc.queryForObject("select description from visit where id = ?", String.class, visit)).isEqualTo("vaccination");
        assertThat(jdbc.queryForObject("select count(*) from migrate_run", Long.class)).isOne();
    }
}
