package dev.loky.it.realapp;

import dev.loky.spring.ProcessAsync;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;

/** Work sent to workers: it takes DTOs and entities and uses repositories. */
@Service
public class ClinicService {

    private final OwnerRepository owners;
    private final VisitRepository visits;
    private final JdbcTemplate jdbc;

    public ClinicService(OwnerRepository owners, VisitRepository visits, JdbcTemplate jdbc) {
        this.owners = owners;
        this.visits = visits;
        this.jdbc = jdbc;
    }

    /** Counts a summary's pets in a worker. */
    @ProcessAsync
    public int petCount(OwnerSummary owner) {
        return owner.petNames().size();
    }

    /** Records a visit in a worker, through a repository. */
    @ProcessAsync
    @Transactional
    public long recordVisit(long petId, String description) {
        return visits.save(new Visit(petId, description)).getId();
    }

    /** What the database holds, as this JVM sees it: owners and visits. */
    @ProcessAsync
    public List<Long> counts() {
        return List.of(owners.count(), visits.count());
    }

    /** How many times Flyway's migrate ran on this database (its afterMigrate callback adds a row each time). */
    @ProcessAsync
    public long flywayRuns() {
        return jdbc.queryForObject("select count(*) from migrate_run", Long.class);
    }

    /** Describes a pet in a worker: a plain entity with setters travels whole. */
    @ProcessAsync
    public String describe(Pet pet) {
        return pet.getName() + " the " + pet.getKind();
    }

    /** The worker's process id. */
    @ProcessAsync
    @Cacheable("pids")
    public long pid() {
        return ProcessHandle.current().pid();
    }

    /**
     * The worker's process id, not cached: the cheapest call that makes a worker create this bean
     * and so its repositories and JPA (benchmarks use it to measure a JPA worker).
     */
    @ProcessAsync
    public long workerPid() {
        return ProcessHandle.current().pid();
    }

    /** Loaded here, in the caller: an entity with its pets. */
    @Transactional(readOnly = true)
    public OwnerSummary summary(long ownerId) {
        return OwnerSummary.of(owners.findById(ownerId).orElseThrow());
    }
}
