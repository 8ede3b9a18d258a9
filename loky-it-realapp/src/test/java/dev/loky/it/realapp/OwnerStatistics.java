package dev.loky.it.realapp;

import dev.loky.spring.ProcessAsync;

import org.springframework.data.repository.Repository;

/**
 * A Spring Data repository with {@code @ProcessAsync} methods, as an application without a service
 * layer (PetClinic's controllers call its repositories directly) would write them: a query method
 * and a default method. The bean is a JDK proxy whose target is Spring's {@code SimpleJpaRepository}.
 */
public interface OwnerStatistics extends Repository<Owner, Long> {

    /** Owners with that name, counted in the database of the JVM that runs the call. */
    @ProcessAsync
    long countByName(String name);

    /** The process that ran the call. */
    @ProcessAsync
    default long runningPid() {
        return ProcessHandle.current().pid();
    }
}
