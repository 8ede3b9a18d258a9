package dev.loky.spring.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import org.junit.jupiter.api.Test;

/**
 * The Spring module uses loky-core through its public API only (the worker's main class being the
 * one named exception: the launcher starts it), and its own packages form no cycle.
 */
class SpringBoundaryTest {

    private static final JavaClasses SPRING = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.loky.spring");

    @Test
    void springReachesNoCoreInternals() {
        noClasses().that().resideInAPackage("dev.loky.spring..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage(
                        "dev.loky.pool..", "dev.loky.protocol..", "dev.loky.memory..", "dev.loky.worker..")
                        .and(com.tngtech.archunit.base.DescribedPredicate.not(
                                JavaClass.Predicates.equivalentTo(dev.loky.worker.WorkerMain.class)))
                        // the private cache directory's rules (owner, 0700, no symlinks, pruning) are one
                        // implementation shared by core's startup cache and the starter's extracted jar
                        .and(com.tngtech.archunit.base.DescribedPredicate.not(
                                JavaClass.Predicates.equivalentTo(dev.loky.pool.CacheDirectory.class))))
                .because("loky-core's internals are not API (see loky-core's PublicSurfaceTest); "
                        + "the worker's main class and the cache directory's rules are the two shared on purpose")
                .check(SPRING);
    }

    @Test
    void springPackagesFormNoCycle() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                return c.getPackageName().startsWith("dev.loky.spring") ? SliceIdentifier.of(c.getPackageName())
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "one slice per dev.loky.spring package";
            }
        }).should().beFreeOfCycles().check(SPRING);
    }
}
