package dev.loky;

import static dev.loky.support.Futures.chain;
import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static dev.loky.support.PoolChecks.assertRunsNewTask;
import static dev.loky.support.PoolChecks.crashes;
import static dev.loky.support.PoolChecks.runOnWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Gate;
import dev.loky.support.Pids;
import dev.loky.support.Tasks;
import dev.loky.support.Tasks.CustomTaskException;
import dev.loky.support.Tasks.NotSerializableThing;
import dev.loky.support.Tasks.PoisonedInParent;
import dev.loky.support.Tasks.PoisonedInWorker;
import dev.loky.support.Tasks.UnserializableException;

/**
 * One test per row of the failure table (docs/failure-semantics.md), on one shared SPAWN pool of two worker JVMs
 * (modelled on loky's ExecutorDeadlockTest). Every test ends by running a new task on the pool.
 * Lambdas capture only local values, never {@code this}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashMatrixTest {

    private ProcessExecutor pool;
    private Path crashDir;

    @BeforeAll
    void startPool() throws IOException {
        crashDir = Files.createTempDirectory("loky-crash-matrix");
        pool = ProcessExecutors.create(PoolConfig.builder()
                .name("crash-matrix")
                .maxWorkers(2)
                // keep the JVM's hs_err files out of the module directory
                .jvmArgs(List.of("-XX:ErrorFile=" + crashDir.resolve("hs_err_pid%p.log")))
                .build());
    }

    @AfterAll
    void closePool() throws IOException {
        if (pool != null) {
            pool.shutdownNow();
        }
        try (var files = Files.list(crashDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(crashDir);
    }

    // ------------------------------------------------------------------ serialization sides

    @Test
    void argumentThatCannotBeSerializedInTheParentFailsOnlyItsFuture() {
        long crashesBefore = crashes(pool);
        NotSerializableThing thing = new NotSerializableThing();

        CompletableFuture<String> future = pool.submit(() -> thing.toString());

        TaskSerializationException e = failure(future, TaskSerializationException.class);
        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.ARGUMENT_IN_PARENT);
        assertThat(chain(e)).contains(NotSerializableThing.class.getName());
        // the user passed no argument: the message names the captured value, its class and the lambda
        assertThat(e.getMessage()).contains("captured value #1 (of class " + NotSerializableThing.class.getName() + ") of lambda "
                + CrashMatrixTest.class.getName() + ".lambda$").doesNotContain("argument could not");
        assertThat(crashes(pool)).isEqualTo(crashesBefore);
        assertRunsNewTask(pool);
    }

    @Test
    void argumentThatCannotBeDeserializedInTheWorkerKeepsTheWorker() {
        Set<Long> workers = runOnWorkers(pool, 2);
        long crashesBefore = crashes(pool);
        PoisonedInWorker poisoned = new PoisonedInWorker("payload");

        CompletableFuture<String> future = pool.submit(() -> poisoned.value());

        TaskSerializationException e = failure(future, TaskSerializationException.class);
        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.ARGUMENT_IN_WORKER);
        assertThat(chain(e)).contains("PoisonedInWorker refuses to be read in a worker");
        assertWorkersKept(workers, crashesBefore);
        assertRunsNewTask(pool);
    }

    @Test
    void resultThatCannotBeSerializedInTheWorkerKeepsTheWorker() {
        Set<Long> workers = runOnWorkers(pool, 2);
        long crashesBefore = crashes(pool);

        CompletableFuture<Object> future = pool.submit(() -> new NotSerializableThing());

        TaskSerializationException e = failure(future, TaskSerializationException.class);
        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.RESULT_IN_WORKER);
        assertThat(chain(e)).contains(NotSerializableThing.class.getName());
        assertWorkersKept(workers, crashesBefore);
        assertRunsNewTask(pool);
    }

    @Test
    void resultThatCannotBeDeserializedInTheParentLeavesThePoolUntouched() {
        Set<Long> workers = runOnWorkers(pool, 2);
        long crashesBefore = crashes(pool);

        CompletableFuture<PoisonedInParent> future = pool.submit(() -> new PoisonedInParent("result"));

        TaskSerializationException e = failure(future, TaskSerializationException.class);
        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.RESULT_IN_PARENT);
        assertThat(chain(e)).contains("PoisonedInParent refuses to be read in the parent");
        assertWorkersKept(workers, crashesBefore);
        assertRunsNewTask(pool);
    }

    // ------------------------------------------------------------------ the task's own exceptions

    @Test
    void taskExceptionComesBackWithItsTypeCauseRemoteStackAndWorkerPid() {
        Set<Long> workers = runOnWorkers(pool, 2);
        long crashesBefore = crashes(pool);

        CompletableFuture<String> future = pool.submit(() -> Tasks.throwIllegalState("boom"));

        IllegalStateException e = failure(future, IllegalStateException.class);
        assertThat(e).hasMessage("boom");
        assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessage("root cause of boom");
        assertThat(e.getStackTrace())
                .as("the worker's stack frames")
                .anySatisfy(frame -> {
                    assertThat(frame.getClassName()).isEqualTo(Tasks.class.getName());
                    assertThat(frame.getMethodName()).isEqualTo("throwIllegalState");
                });
        assertThat(e.getSuppressed())
                .as("a marker naming the worker pid (workers: %s), in %s", workers, chain(e))
                .anySatisfy(marker -> assertThat(workers).anySatisfy(
                        pid -> assertThat(marker.getMessage()).contains(Long.toString(pid))));
        assertWorkersKept(workers, crashesBefore);
        assertRunsNewTask(pool);
    }

    @Test
    void customCheckedExceptionComesBackWithItsFields() {
        CompletableFuture<String> future = pool.submit(() -> Tasks.throwCustom("custom failure", 17));

        CustomTaskException e = failure(future, CustomTaskException.class);
        assertThat(e).hasMessage("custom failure");
        assertThat(e.code()).isEqualTo(17);
        assertRunsNewTask(pool);
    }

    @Test
    void exceptionThatCannotBeSerializedComesBackAsRemoteTaskException() {
        Set<Long> workers = runOnWorkers(pool, 2);
        long crashesBefore = crashes(pool);

        CompletableFuture<String> future = pool.submit(() -> Tasks.throwUnserializable("cannot travel"));

        RemoteTaskException e = failure(future, RemoteTaskException.class);
        assertThat(e.remoteClassName()).isEqualTo(UnserializableException.class.getName());
        assertThat(e.getMessage()).contains(UnserializableException.class.getName()).contains("cannot travel");
        assertThat(e.getStackTrace()).anySatisfy(
                frame -> assertThat(frame.getMethodName()).isEqualTo("throwUnserializable"));
        assertWorkersKept(workers, crashesBefore);
        assertRunsNewTask(pool);
    }

    // ------------------------------------------------------------------ the worker dies

    @Test
    void systemExitFailsOnlyItsTaskAndNamesTheExitCode(@TempDir Path dir) {
        TerminatedWorkerException e = crashBesideABusyBystander(dir, "exit", gate -> pool.submit(() -> Tasks.exit(3)));

        assertThat(e.exitCode()).isEqualTo(3);
        assertThat(e.getMessage()).contains("exit code 3");
        assertThat(e.signal()).isNull();
        String lastWords = "last words of " + e.pid() + ": exiting with 3";
        assertThat(e.workerOutput()).as("the worker's stderr tail").contains(lastWords);
        // beside the message, never inside it: an application's error handler may show getMessage() to its clients
        assertThat(e.getMessage()).doesNotContain(lastWords).contains("workerOutput()");
    }

    @Test
    void runtimeHaltFailsOnlyItsTaskAndNamesTheExitCode(@TempDir Path dir) {
        TerminatedWorkerException e = crashBesideABusyBystander(dir, "halt", gate -> pool.submit(() -> Tasks.halt(7)));

        assertThat(e.exitCode()).isEqualTo(7);
        assertThat(e.getMessage()).contains("exit code 7");
    }

    @Test
    void sigkillOfABusyWorkerFailsOnlyItsTaskAndNamesTheSignal(@TempDir Path dir) {
        TerminatedWorkerException e = crashBesideABusyBystander(dir, "sigkill", gate -> {
            String started = gate.started("victim");
            String release = gate.release();
            CompletableFuture<Long> victim = pool.submit(() -> Tasks.holdUntil(started, release));
            long pid = gate.awaitStarted("victim");
            Pids.kill9(pid);
            return victim;
        });

        assertThat(e.exitCode()).isEqualTo(137);
        assertThat(e.signal()).isEqualTo("SIGKILL");
        assertThat(e.getMessage()).contains("exit code 137 (SIGKILL)");
    }

    @Test
    void segfaultFailsOnlyItsTaskAndDescribesTheCrash(@TempDir Path dir) {
        TerminatedWorkerException e = crashBesideABusyBystander(dir, "segv", gate -> pool.submit(Tasks::segfault));

        // HotSpot handles the SIGSEGV, prints its fatal-error banner on fd 1, then aborts (SIGABRT,
        // exit code 134): the banner is what names SIGSEGV.
        assertThat(e.getMessage())
                .contains("A fatal error has been detected")
                .contains("SIGSEGV");
        assertThat(e.getMessage()).contains("exit code " + e.exitCode());
        if (e.exitCode() > 128) {
            assertThat(e.signal()).isNotNull();
            assertThat(e.getMessage()).contains("(" + e.signal() + ")");
        }
    }

    @Test
    void sigkillOfAnIdleWorkerFailsNothingAndTheWorkerIsReplaced() {
        Set<Long> workers = runOnWorkers(pool, 2);
        long failedBefore = pool.snapshot().counters().failed();
        long crashesBefore = crashes(pool);
        long victim = workers.iterator().next();

        Pids.kill9(victim);

        Pids.awaitGone(victim);
        org.awaitility.Awaitility.await("the idle worker's death to be seen").atMost(java.time.Duration.ofSeconds(10))
                .until(() -> crashes(pool) > crashesBefore);
        Set<Long> after = runOnWorkers(pool, 2);
        assertThat(after).doesNotContain(victim);
        assertThat(pool.snapshot().counters().failed()).isEqualTo(failedBefore);
        assertRunsNewTask(pool);
    }

    @Test
    void segfaultReportsSigsegvAsTheSignal(@TempDir Path dir) {
        // TerminatedWorkerException#signal() documents SIGSEGV as one of its values: a JVM that
        // crashed on SIGSEGV exits through its fatal-error handler (exit code 1 with
        // -XX:-CreateCoredumpOnCrash, 134 otherwise), so the signal has to come from the banner
        TerminatedWorkerException e = failure(pool.submit(Tasks::segfault), TerminatedWorkerException.class);

        assertThat(e.signal()).isEqualTo("SIGSEGV");
        assertRunsNewTask(pool);
    }

    @Test
    void tasksQueuedBehindACrashingTaskAllSucceed() {
        List<CompletableFuture<Integer>> after = new java.util.ArrayList<>();
        CompletableFuture<Object> crash = pool.submit(() -> Tasks.exit(5));
        for (int i = 0; i < 20; i++) {
            int n = i;
            after.add(pool.submit(() -> n + 100));
        }

        TerminatedWorkerException e = failure(crash, TerminatedWorkerException.class);
        assertThat(e.exitCode()).isEqualTo(5);
        for (int i = 0; i < after.size(); i++) {
            assertThat(value(after.get(i))).as("task %s submitted after the crashing one", i).isEqualTo(i + 100);
        }
        assertRunsNewTask(pool);
    }

    @Test
    void repeatedCrashesAreNotMistakenForStartupFailures() {
        long startupFailures = pool.snapshot().counters().startupFailures();
        for (int i = 0; i < 4; i++) {
            int code = 10 + i;
            TerminatedWorkerException e = failure(pool.submit(() -> Tasks.exit(code)), TerminatedWorkerException.class);
            assertThat(e.exitCode()).isEqualTo(code);
            assertRunsNewTask(pool);
        }
        assertThat(pool.snapshot().counters().startupFailures()).isEqualTo(startupFailures);
        assertThat(pool.snapshot().lastStartupError()).isNull();
    }

    @Test
    void bothWorkersKilledAtOnceFailBothTasksAndThePoolRecovers(@TempDir Path dir) {
        Gate gate = Gate.in(dir, "both");
        String startedA = gate.started("a");
        String startedB = gate.started("b");
        String release = gate.release();
        CompletableFuture<Long> a = pool.submit(() -> Tasks.holdUntil(startedA, release));
        CompletableFuture<Long> b = pool.submit(() -> Tasks.holdUntil(startedB, release));
        long pidA = gate.awaitStarted("a");
        long pidB = gate.awaitStarted("b");
        assertThat(pidA).isNotEqualTo(pidB);

        Pids.kill9(pidA, pidB);

        TerminatedWorkerException ea = failure(a, TerminatedWorkerException.class);
        TerminatedWorkerException eb = failure(b, TerminatedWorkerException.class);
        assertThat(ea.pid()).isEqualTo(pidA);
        assertThat(eb.pid()).isEqualTo(pidB);
        assertThat(ea.getMessage()).contains("exit code 137 (SIGKILL)").contains(Long.toString(pidA));
        assertThat(eb.getMessage()).contains("exit code 137 (SIGKILL)").contains(Long.toString(pidB));
        Pids.awaitGone(pidA, pidB);

        Set<Long> fresh = runOnWorkers(pool, 2);
        assertThat(fresh).doesNotContain(pidA, pidB);
        assertRunsNewTask(pool);
    }

    // ------------------------------------------------------------------ output

    @Test
    void floodingSystemOutDoesNotBreakTheProtocol() {
        long crashesBefore = crashes(pool);
        long tenMegabytes = 10L * 1024 * 1024;

        CompletableFuture<Long> future = pool.submit(() -> Tasks.floodStdout(tenMegabytes));

        assertThat(value(future)).isGreaterThanOrEqualTo(tenMegabytes);
        assertThat(crashes(pool)).isEqualTo(crashesBefore);
        assertRunsNewTask(pool);
    }

    @Test
    void floodingSystemErrDoesNotBlockTheWorker() {
        long crashesBefore = crashes(pool);
        long tenMegabytes = 10L * 1024 * 1024;

        CompletableFuture<Long> future = pool.submit(() -> Tasks.floodStderr(tenMegabytes));

        assertThat(value(future)).isGreaterThanOrEqualTo(tenMegabytes);
        assertThat(crashes(pool)).isEqualTo(crashesBefore);
        assertRunsNewTask(pool);
    }

    @Test
    void readingSystemInSeesAnEmptyStreamNotTheChannel() {
        assertThat(value(pool.submit(Tasks::readStdin))).isEqualTo(-1);
        assertRunsNewTask(pool);
    }

    @Test
    void executeRunsARunnableAndReportsItsException() {
        assertThat(value(pool.execute(() -> Tasks.pid()))).isNull();
        IllegalStateException e = failure(pool.execute(() -> Tasks.throwIllegalState("from execute")),
                IllegalStateException.class);
        assertThat(e).hasMessage("from execute");
        assertRunsNewTask(pool);
    }

    @Test
    void rawBytesWrittenToFileDescriptorOneDoNotBreakTheProtocol() {
        CompletableFuture<Long> future = pool.submit(() -> Tasks.writeRawToFd1(64 * 1024));

        assertThat(value(future)).isEqualTo(64 * 1024L);
        assertRunsNewTask(pool);
        assertRunsNewTask(pool);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Runs a bystander task that holds one worker, lets {@code crash} make the other worker die,
     * and checks that only the crashing task failed: the bystander completes normally afterwards,
     * the dead worker's process is gone, and the pool runs a new task.
     */
    private TerminatedWorkerException crashBesideABusyBystander(
            Path dir, String name, java.util.function.Function<Gate, CompletableFuture<?>> crash) {
        Gate gate = Gate.in(dir, name);
        String bystanderStarted = gate.started("bystander");
        String release = gate.release();
        CompletableFuture<Long> bystander = pool.submit(() -> Tasks.holdUntil(bystanderStarted, release));
        long bystanderPid = gate.awaitStarted("bystander");
        long crashesBefore = crashes(pool);

        CompletableFuture<?> victim = crash.apply(gate);

        TerminatedWorkerException e = failure(victim, TerminatedWorkerException.class);
        assertThat(e.pid()).as("the dead worker is not the bystander's").isNotEqualTo(bystanderPid).isPositive();
        assertThat(e.getMessage()).contains(Long.toString(e.pid()));
        assertThat(bystander).as("the bystander on the other worker is untouched").isNotDone();
        Pids.awaitGone(e.pid());
        assertThat(pool.snapshot().counters().crashes()).isGreaterThan(crashesBefore);

        gate.open();
        assertThat(value(bystander)).isEqualTo(bystanderPid);
        long next = assertRunsNewTask(pool);
        assertThat(next).isNotEqualTo(e.pid());
        return e;
    }

    /** The same worker processes are alive, no crash was counted, and they serve new tasks. */
    private void assertWorkersKept(Set<Long> workers, long crashesBefore) {
        assertThat(crashes(pool)).as("crashes counted").isEqualTo(crashesBefore);
        assertThat(workers).allSatisfy(pid -> assertThat(Pids.isAlive(pid)).as("worker %s alive", pid).isTrue());
        assertThat(runOnWorkers(pool, 2)).as("the same workers serve the next tasks").isEqualTo(workers);
    }

    @SuppressWarnings("unused")
    private static String describe(long[] pids) {
        return Arrays.toString(pids);
    }
}
