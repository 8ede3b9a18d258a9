package dev.loky.internal.pool.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.LokyException;
import dev.loky.PoolConfig;
import dev.loky.TerminatedWorkerException;
import dev.loky.WorkerOutOfMemoryException;
import dev.loky.WorkerStartupException;
import dev.loky.internal.pool.scheduling.Leaving;
import dev.loky.internal.pool.scheduling.PoolCounters;
import dev.loky.internal.pool.scheduling.PoolTask;
import dev.loky.internal.protocol.ExitCodes;
import dev.loky.internal.protocol.ExitReport;
import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.TaskReply;
import dev.loky.internal.protocol.ThrowableDescription;
import dev.loky.serialization.JavaTaskSerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The failure room without a worker JVM, and without a channel: what a caller gets is built from facts (an exit code, a
 * worker's output, a shutdown reason) by {@link Outcomes}, and {@link PoolTask#finish} completes a
 * future once, counting it once.
 */
class OutcomesTest {

    private final PoolCounters counters = new PoolCounters(List.of());
    private final Outcomes outcomes = new Outcomes(PoolConfig.builder().build(), getClass().getClassLoader(), counters);
    /** The facts a failure reads about its worker: no channel, no process. */
    private record Facts(String name, long pid, String heapCap, String outputTail) implements WorkerFacts {
    }

    private final WorkerFacts channel = new Facts("worker 3 (pid 4711)", 4711, "-Xmx64m", "");

    private static ExitReport exit(int code, String output) {
        return ExitReport.of(code, output, null, null);
    }

    /** A start-up failure is built from the exit's facts alone: the initializer's report, the threads of a silent worker. */
    @Test
    void aStartupFailureReadsTheInitializersReportAndAThreadDumpFromTheExit() {
        WorkerStartupException failed = outcomes.startupFailure(channel,
                ExitReport.of(4, "boom\n", "java.lang.IllegalStateException: no database\n\tat App.init", null), false);
        assertThat(failed).hasMessageContaining("failed in its initializer: java.lang.IllegalStateException: no database")
                .hasMessageNotContaining("App.init");
        WorkerStartupException silent = outcomes.startupFailure(channel, ExitReport.of(137, "", null, "\"main\" waiting on a lock"), true);
        assertThat(silent).hasMessageContaining("was not ready within");
        assertThat(silent.workerOutput()).contains("Its threads when it was stopped:").contains("waiting on a lock");
        assertThat(ExitReport.of(137, "", null, null).signal()).isEqualTo("SIGKILL");
    }

    private PoolTask<Object> task(long id) {
        return new PoolTask<>(id, new byte[0], null, "lambda in Jobs", t -> { });
    }

    @Test
    void aSignalExitNamesTheSignalAndKeepsTheOutputOutOfTheMessage() {
        LokyException error = outcomes.exited(channel, exit(ExitCodes.SIGKILL, "secret=hunter2\n"), task(1), Leaving.CRASHED);
        assertThat(error).isInstanceOf(TerminatedWorkerException.class)
                .hasMessageContaining("exit code 137 (SIGKILL)").hasMessageContaining("only this task failed")
                .hasMessageNotContaining("hunter2");
        TerminatedWorkerException terminated = (TerminatedWorkerException) error;
        assertThat(terminated.exitCode()).isEqualTo(137);
        assertThat(terminated.signal()).isEqualTo("SIGKILL");
        assertThat(terminated.workerOutput()).contains("hunter2");
    }

    @Test
    void aFatalErrorBannerNamesTheSignalThatTheExitCodeHides() {
        String banner = "#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n#  SIGSEGV (0xb) at pc=0x1, pid=7, tid=8\n";
        TerminatedWorkerException error = (TerminatedWorkerException) outcomes.exited(channel, exit(134, banner), task(2), Leaving.CRASHED);
        assertThat(error.signal()).isEqualTo("SIGSEGV");
        assertThat(error).hasMessageContaining("SIGSEGV");
    }

    @Test
    void theOutOfMemoryExitCodeIsAnOutOfMemoryFailure() {
        LokyException error = outcomes.exited(channel, exit(ExitCodes.AFTER_OUT_OF_MEMORY,
                "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n"), task(3), Leaving.CRASHED);
        assertThat(error).isInstanceOf(WorkerOutOfMemoryException.class).hasMessageContaining("out of memory");
        assertThat(error.getCause()).isInstanceOf(OutOfMemoryError.class).hasMessage("Java heap space");
    }

    /**
     * The worker marks the reply (it saw the error); the parent no longer reads the error's class
     * from its description, so an out-of-memory error whose bytes do not read back here is still one.
     */
    @Test
    void aReplyTheWorkerMarkedOutOfMemoryIsAnOutOfMemoryFailureEvenWhenItsErrorDoesNotReadBack() throws Exception {
        byte[] description = JavaTaskSerializer.INSTANCE.serialize(ThrowableDescription.of(new OutOfMemoryError("Java heap space")));
        TaskReply reply = TaskReply.decode(new TaskReply(10, 20, -1, -1, -1, true, new byte[] {1, 2, 3}, description).encode());
        assertThat(reply.outOfMemory()).isTrue();
        PoolTask<Object> task = task(7);
        outcomes.complete(task, FrameType.TASK_ERROR, reply, channel, null);
        Assertions.assertThatThrownBy(task::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(WorkerOutOfMemoryException.class).hasMessageContaining("ran worker 3").hasMessageContaining("out of memory")
                .hasMessageContaining("Java heap space");
    }

    @Test
    void anUnmarkedTaskErrorIsTheTasksOwnException() throws Exception {
        byte[] description = JavaTaskSerializer.INSTANCE.serialize(ThrowableDescription.of(new IllegalStateException("bad input")));
        TaskReply reply = TaskReply.decode(new TaskReply(10, 20, -1, -1, -1, false, new byte[0], description).encode());
        PoolTask<Object> task = task(8);
        outcomes.complete(task, FrameType.TASK_ERROR, reply, channel, null);
        Assertions.assertThatThrownBy(task::get).isInstanceOf(ExecutionException.class).cause()
                .isNotInstanceOf(WorkerOutOfMemoryException.class).hasMessageContaining("bad input");
    }

    @Test
    void aShutdownFailsARunningTaskAsStoppedAndAQueuedOneAsNotRun() {
        TerminatedWorkerException stopped = outcomes.stopped(task(4), channel, "the JVM is exiting");
        assertThat(stopped.exitCode()).isEqualTo(ExitCodes.SIGKILL);
        assertThat(stopped).hasMessageContaining("was stopped while running task #4 (lambda in Jobs): the JVM is exiting");
        assertThat(outcomes.notRun(task(5), "the JVM is exiting")).hasMessage("task #5 (lambda in Jobs) did not run: the JVM is exiting");
    }

    @Test
    void aFutureCompletesOnceAndIsCountedOnce() {
        PoolTask<Object> task = task(6);
        outcomes.fail(task, new LokyException("first"));
        outcomes.fail(task, new LokyException("second"));
        assertThat(task.finish("late value", null, counters)).isFalse();
        Assertions.assertThatThrownBy(task::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("first");
        assertThat(counters.snapshot(0).failed()).isEqualTo(1);
        assertThat(counters.snapshot(0).succeeded()).isZero();
    }
}
