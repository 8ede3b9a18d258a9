package dev.loky.spring.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
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
 * The Spring module uses loky-core through its public API only (the worker's main class being the
 * one named exception: the launcher starts it), its own packages form no cycle, and the machinery
 * of {@code @ProcessAsync} calls (the invoker, the call targets' static registry, the call itself)
 * is not public.
 */
class SpringBoundaryTest {

    /**
     * The public types of {@code dev.loky.spring.invocation}, each public because another package
     * of this module uses it; everything else there (ProcessAsyncInvoker, CallTargets, CallTarget,
     * ProcessAsyncCall, ProcessAsyncMethod, InlineCalls, ...) stays package-private.
     */
    static final Set<String> INVOCATION_PUBLIC = Set.of(
            "dev.loky.spring.invocation.ProcessAsyncAnnotationBeanPostProcessor", // the auto-configuration's bean
            "dev.loky.spring.invocation.LoggingProcessAsyncExceptionHandler", // the default handler bean
            "dev.loky.spring.invocation.JsonMappers", // the parent and the worker find the mapper the same way
            "dev.loky.spring.invocation.WorkerCalls", // the worker's slim context serves calls through it
            "dev.loky.spring.invocation.CalledBeans", // the worker context initializer learns the called beans through it
            "dev.loky.spring.invocation.InvocationSettings"); // the worker context reads calls as strictly as the parent writes them

    private static final JavaClasses SPRING = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.loky.spring");

    @Test
    void springReachesNoCoreInternals() {
        noClasses().that().resideInAPackage("dev.loky.spring..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage(
                        "dev.loky.internal..")
                        .and(com.tngtech.archunit.base.DescribedPredicate.not(
                                JavaClass.Predicates.equivalentTo(dev.loky.internal.worker.WorkerMain.class)))
                        // the private cache directory's rules (owner, 0700, no symlinks, pruning) are one
                        // implementation shared by core's startup cache and the starter's extracted jar
                        .and(com.tngtech.archunit.base.DescribedPredicate.not(
                                JavaClass.Predicates.equivalentTo(dev.loky.internal.pool.cache.CacheDirectory.class))))
                .because("loky-core's internals are not API (see loky-core's PublicSurfaceTest); "
                        + "the worker's main class and the cache directory's rules are the two shared on purpose")
                .check(SPRING);
    }

    @Test
    void invocationInternalsAreNotPublic() {
        classes().that().resideInAPackage("dev.loky.spring.invocation").and().arePublic()
                .should(new ArchCondition<JavaClass>("be on SpringBoundaryTest.INVOCATION_PUBLIC") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        if (!INVOCATION_PUBLIC.contains(c.getName()) && !c.getModifiers().contains(JavaModifier.SYNTHETIC)) {
                            events.add(SimpleConditionEvent.violated(c, c.getName() + " is public: keep it package-private "
                                    + "(or, if another package must use it, add it to INVOCATION_PUBLIC with the reason)"));
                        }
                    }
                }).check(SPRING);
    }

    @Test
    void onlyTheWorkerContextServesCalls() {
        noClasses().that().resideOutsideOfPackages("dev.loky.spring.worker", "dev.loky.spring.invocation")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.loky.spring.invocation.WorkerCalls")
                .because("only a worker's slim context registers the target of the calls it is sent")
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
