package dev.loky.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/**
 * The rooms of {@code dev.loky.pool} do not call back into the pool's facade: the effects fire the
 * channels' reports as scheduler events through {@code PoolLock}, not through {@code ProcessPool}
 * (which made the two a cycle). Only the facade's factory knows it; the JVM shutdown hook holds its
 * pools as {@code ProcessExecutor}s.
 */
class PoolRoomsTest {

    private static final JavaClasses POOL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.loky.pool");

    @Test
    void noRoomDependsOnTheFacade() {
        noClasses().that().resideInAPackage("dev.loky.pool")
                .and().doNotHaveSimpleName("ProcessPool").and().doNotHaveSimpleName("PoolFactory")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.loky.pool.ProcessPool")
                .because("the rooms report to the scheduler through PoolLock; a call back into the facade is a cycle")
                .check(POOL);
    }

    /** A map sees its executor through {@code MapIterator.Pool}: the executor makes maps, maps do not know it. */
    @Test
    void aMapDoesNotKnowItsExecutorsClass() {
        noClasses().that().haveFullyQualifiedName("dev.loky.pool.MapIterator")
                .or().haveFullyQualifiedName("dev.loky.pool.MapProgress")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.loky.pool.AbstractProcessExecutor")
                .check(POOL);
    }

    /** A timer is data the scheduler arms through its effects ({@code Effects.arm}); it does not call them. */
    @Test
    void aTimerDoesNotKnowTheEffects() {
        noClasses().that().haveFullyQualifiedName("dev.loky.pool.Timer")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.loky.pool.Effects")
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
    void theRoomsLogUnderThePoolsName() throws Exception {
        Class<?> lock = Class.forName("dev.loky.pool.PoolLock");
        java.lang.reflect.Field name = lock.getDeclaredField("POOL_LOG");
        name.setAccessible(true);
        assertThat(name.get(null)).isEqualTo("dev.loky.pool.ProcessPool");
        assertThat(Class.forName("dev.loky.pool.ProcessPool").getName()).isEqualTo(name.get(null));
    }
}
