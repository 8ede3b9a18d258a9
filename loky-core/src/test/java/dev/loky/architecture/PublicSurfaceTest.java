package dev.loky.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Guards loky-core's architecture: the public surface is the documented API (docs/core.md,
 * docs/failure-semantics.md, docs/cluster.md) plus the serialization SPI (nothing grows public by accident), and the packages form no cycle.
 */
class PublicSurfaceTest {

    /** The public API: every public type of the API packages, each documented in docs/. */
    static final Set<String> API = Set.of(
            "dev.loky.ProcessExecutor", "dev.loky.ProcessExecutors", "dev.loky.PoolConfig", "dev.loky.PoolConfig$Builder",
            "dev.loky.PoolSnapshot", "dev.loky.PoolSnapshot$Worker", "dev.loky.PoolSnapshot$Counters",
            "dev.loky.PoolSnapshot$State", "dev.loky.PoolSnapshot$WorkerState",
            "dev.loky.PoolSnapshot$Insights", "dev.loky.PoolSnapshot$MapRun",
            "dev.loky.MapOptions", "dev.loky.MapResult", "dev.loky.Indexed", "dev.loky.ProgressListener", "dev.loky.ProgressListener$Progress",
            "dev.loky.PoolEventListener", "dev.loky.RestartReason", "dev.loky.StartMethod", "dev.loky.TaskOutcome",
            "dev.loky.RemoteCallable", "dev.loky.RemoteFunction", "dev.loky.RemoteRunnable",
            "dev.loky.StartupCacheVariant", "dev.loky.AfterReadyWarmUp", // initializer hooks the Spring worker context uses
            "dev.loky.LokyException", "dev.loky.RemoteTaskException", "dev.loky.RemoteWorkerMarker",
            "dev.loky.TaskSerializationException", "dev.loky.TaskSerializationException$Side",
            "dev.loky.TaskTimeoutException", "dev.loky.TerminatedWorkerException", "dev.loky.WorkerStartupException",
            "dev.loky.MapFailedException", "dev.loky.WorkerOutOfMemoryException", "dev.loky.ClusterMemberLostException",
            // the serialization SPI
            "dev.loky.serialization.TaskSerializer", "dev.loky.serialization.JavaTaskSerializer",
            "dev.loky.serialization.DeserializationFilter");

    /** Packages whose public classes are API (the rest of dev.loky.. is internal). */
    static final Set<String> API_PACKAGES = Set.of("dev.loky", "dev.loky.serialization", "dev.loky.cluster");

    /**
     * Internal packages, all under {@code dev.loky.internal} (so a user's IDE does not offer them, as
     * with Hazelcast's {@code com.hazelcast.internal}): public classes there are not API; they are
     * public only because another loky package uses them.
     */
    static final String INTERNAL = "dev.loky.internal..";

    static boolean isInternal(String packageName) {
        return packageName.equals("dev.loky.internal") || packageName.startsWith("dev.loky.internal.");
    }

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.loky");

    @Test
    void thePublicSurfaceIsTheAllowList() {
        classes().that().resideInAnyPackage(API_PACKAGES.toArray(String[]::new)).and().arePublic()
                .should(beIn(API, "on the public API allow-list (PublicSurfaceTest.API); make it package-private, "
                        + "move it to an internal package, or document it in docs/ and add it to the list"))
                .check(CORE);
    }

    @Test
    void everyPackageIsEitherApiOrInternal() {
        classes().should(new ArchCondition<JavaClass>("reside in a package declared API or internal") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String p = c.getPackageName();
                if (!API_PACKAGES.contains(p) && !isInternal(p)) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " is in " + p
                            + ", which PublicSurfaceTest declares neither API nor internal"));
                }
            }
        }).check(CORE);
    }

    /**
     * Public types of internal packages that loky-core itself does not use from another package,
     * each with its reason: another module or a class name uses them.
     */
    static final Set<String> INTERNAL_FOR_OTHER_MODULES = Set.of(
            "dev.loky.internal.worker.WorkerMain", // started by name as the workers' main class; the Spring module names it too
            "dev.loky.internal.pool.PoolFactory", // ProcessExecutors loads it by name, so dev.loky does not depend on dev.loky.internal
            "dev.loky.internal.pool.AbstractProcessExecutor", // loky-hazelcast's cluster executor extends it
            "dev.loky.internal.pool.scheduling.PoolTask$CancelHandler", // the hub passes it as a lambda, a use ArchUnit does not see
            "dev.loky.internal.pool.cache.CacheDirectory"); // the Spring module's extracted jar shares the private cache directory's rules

    /**
     * A public type of an internal package is public only because another loky package uses it (or
     * another module, {@link #INTERNAL_FOR_OTHER_MODULES}); one that nothing outside its package uses
     * must be package-private.
     */
    @Test
    void internalTypesArePublicOnlyForAnotherPackage() {
        classes().that().resideInAPackage(INTERNAL).and().arePublic()
                .should(new ArchCondition<JavaClass>("be used from another loky package") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        boolean usedElsewhere = INTERNAL_FOR_OTHER_MODULES.contains(c.getName())
                                || c.getDirectDependenciesToSelf().stream().anyMatch(d ->
                                        !d.getOriginClass().getPackageName().equals(c.getPackageName()));
                        if (!usedElsewhere) {
                            events.add(SimpleConditionEvent.violated(c, c.getName() + " is public, but nothing outside "
                                    + c.getPackageName() + " uses it: make it package-private"));
                        }
                    }
                }).check(CORE);
    }

    /** The workers' main class is launched by name ({@code PoolConfig.WORKER_MAIN_CLASS}): the name must be the class's. */
    @Test
    void theWorkersMainClassIsNamedRight() {
        org.assertj.core.api.Assertions.assertThat(dev.loky.PoolConfig.WORKER_MAIN_CLASS)
                .isEqualTo(dev.loky.internal.worker.WorkerMain.class.getName());
    }

    @Test
    void packagesFormNoCycle() {
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(CORE);
        classes().that().resideInAPackage("dev.loky").should().onlyDependOnClassesThat()
                .resideOutsideOfPackage(INTERNAL)
                .because("the API package names its implementation only by name (see ProcessExecutors), so no cycle")
                .check(CORE);
    }

    /** One slice per package (the root package included), so a cycle between any two packages shows. */
    static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            return c.getPackageName().startsWith("dev.loky") ? SliceIdentifier.of(c.getPackageName()) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "one slice per dev.loky package";
        }
    };

    static ArchCondition<JavaClass> beIn(Set<String> allowed, String what) {
        return new ArchCondition<>("be " + what) {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                if (!allowed.contains(c.getName()) && !c.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " is public but not " + what));
                }
            }
        };
    }
}
