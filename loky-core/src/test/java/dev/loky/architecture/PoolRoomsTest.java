package dev.loky.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/**
 * The pool's rooms: {@code dev.loky.internal.pool} is the hub (the facade, its lock, effects and
 * channel events) and each room below it has one job: {@code scheduling} (the pure state machine),
 * {@code outcome} (every caller-facing failure, built from facts), {@code process} (worker
 * processes and their channels), {@code map} (map iteration) and {@code cache} (start-up caches and
 * the class path). Rooms never depend on the hub, and {@code scheduling} on no other room; that
 * packages form no cycle is {@link PublicSurfaceTest#packagesFormNoCycle}'s. Within the hub, the
 * effects fire the channels' reports as scheduler events through {@code PoolLock}, not through
 * {@code ProcessPool}; only the facade's factory knows it; the JVM shutdown hook holds its pools as
 * {@code ProcessExecutor}s.
 */
class PoolRoomsTest {

    private static final JavaClasses POOL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.loky.internal.pool");

    private static final String HUB = "dev.loky.internal.pool";

    @Test
    void noRoomDependsOnTheFacade() {
        noClasses().that().resideInAPackage("dev.loky.internal.pool..")
                .and().doNotHaveSimpleName("ProcessPool").and().doNotHaveSimpleName("PoolFactory")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.loky.internal.pool.ProcessPool")
                .because("the rooms report to the scheduler through PoolLock; a call back into the facade is a cycle")
                .check(POOL);
    }

    /** A map sees its executor through {@code MapIterator.Pool}: the executor makes maps, maps do not know it. */
    @Test
    void aMapDoesNotKnowItsExecutorsClass() {
        noClasses().that().haveFullyQualifiedName("dev.loky.internal.pool.map.MapIterator")
                .or().haveFullyQualifiedName("dev.loky.internal.pool.map.MapProgress")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.loky.internal.pool.AbstractProcessExecutor")
                .check(POOL);
    }

    /** A timer is data the scheduler arms through its effects ({@code Effects.arm}); it does not call them. */
    @Test
    void aTimerDoesNotKnowTheEffects() {
        noClasses().that().haveFullyQualifiedName("dev.loky.internal.pool.scheduling.Timer")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.loky.internal.pool.scheduling.Effects")
                .check(POOL);
    }

    /** The scheduler and its state hold no I/O: a slot's channel is the pool's ({@code WorkerChannels}). */
    @Test
    void theSchedulersStateHoldsNoChannel() {
        noClasses().that().haveSimpleNameStartingWith("Scheduler").or().haveSimpleNameStartingWith("Dispatcher")
                .or().haveSimpleNameStartingWith("WorkerRoster").or().haveSimpleNameStartingWith("StartBackoff")
                .or().haveSimpleNameStartingWith("WorkerSlot").or().haveSimpleName("Timer").or().haveSimpleName("Effects")
                .should().dependOnClassesThat().haveSimpleNameStartingWith("WorkerChannel")
                .check(POOL);
    }

    @Test
    void noRoomDependsOnTheHub() {
        noClasses().that().resideInAPackage("dev.loky.internal.pool.(*)..")
                .should().dependOnClassesThat().resideInAPackage(HUB)
                .because("the hub wires the rooms; a room that calls back into it is a cycle")
                .check(POOL);
    }

    /** The scheduler is a pure state machine: it knows no process, channel, map, outcome or cache. */
    @Test
    void schedulingDependsOnNoOtherRoom() {
        noClasses().that().resideInAPackage(HUB + ".scheduling")
                .should().dependOnClassesThat().resideInAnyPackage(HUB + ".process..", HUB + ".outcome..",
                        HUB + ".map..", HUB + ".cache..")
                .check(POOL);
    }

    /** A failure is built from facts ({@code WorkerFacts}, {@code ExitReport}), not from a worker's channel or process. */
    @Test
    void theFailureRoomKnowsNoProcess() {
        noClasses().that().resideInAPackage(HUB + ".outcome")
                .should().dependOnClassesThat().resideInAPackage(HUB + ".process..")
                .check(POOL);
    }

    /** A user configures one logger for the pool whatever room a line comes from; the name is not a package. */
    @Test
    void theRoomsLogUnderThePoolsName() {
        assertThat(dev.loky.internal.pool.scheduling.PoolLog.NAME).isEqualTo("dev.loky.pool");
    }
}
