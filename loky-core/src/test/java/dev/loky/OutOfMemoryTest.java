package dev.loky;

import static dev.loky.support.Futures.chain;
import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.loky.support.Pids;
import dev.loky.support.PoolChecks;
import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/** docs/failure-semantics.md: "the task throws OutOfMemoryError → an error naming it; worker replaced". */
class OutOfMemoryTest {

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @Test
    void outOfMemoryErrorFailsTheTaskWithAnErrorNamingItAndReplacesTheWorker() {
        pool = pools.create(PoolConfig.builder()
                .name("oom")
                .maxWorkers(1)
                .jvmArgs(List.of("-Xmx64m"))
                .build());
        long before = value(pool.submit(Tasks::pid));
        long twoGigabytes = 2L << 30;

        Throwable error = failure(pool.submit(() -> Tasks.exhaustHeap(twoGigabytes)));

        // never a bare OutOfMemoryError that the caller could take for its own
        assertThat(error).isInstanceOf(WorkerOutOfMemoryException.class)
                .hasMessageContaining("(pid " + before + ")").hasMessageContaining("heap cap -Xmx64m")
                .hasMessageContaining("OutOfMemoryError");
        assertThat(((WorkerOutOfMemoryException) error).pid()).isEqualTo(before);
        assertThat(error.getCause()).isInstanceOf(OutOfMemoryError.class);
        assertThat(error.getCause().getStackTrace()).as("the worker's stack").isNotEmpty();
        Pids.awaitGone(before);
        long after = PoolChecks.assertRunsNewTask(pool);
        assertThat(after).as("a new worker runs the next task").isNotEqualTo(before);
    }

    @Test
    void outOfMemoryErrorWhileTheWorkerReadsTheArgumentAlsoReplacesTheWorker() {
        pool = pools.create(PoolConfig.builder()
                .name("oom-read")
                .maxWorkers(1)
                .jvmArgs(List.of("-Xmx64m"))
                .build());
        long before = value(pool.submit(Tasks::pid));
        Tasks.ExhaustsHeapWhenRead argument = new Tasks.ExhaustsHeapWhenRead();

        Throwable error = failure(pool.submit(() -> argument.hashCode()));

        assertThat(chain(error)).contains("OutOfMemoryError");
        Pids.awaitGone(before);
        long after = PoolChecks.assertRunsNewTask(pool);
        assertThat(after).as("a new worker runs the next task").isNotEqualTo(before);
    }

    @Test
    void aWorkerThatExitsWithTheOutOfMemoryStatusIsReportedAsOutOfMemory() {
        pool = pools.create(PoolConfig.builder().name("oom-exit").maxWorkers(1).build());
        long pid = value(pool.submit(Tasks::pid));

        Throwable error = failure(pool.submit(() -> {
            Runtime.getRuntime().halt(dev.loky.internal.worker.WorkerMain.EXIT_AFTER_OUT_OF_MEMORY);
            return 0;
        }));

        assertThat(error).isInstanceOf(WorkerOutOfMemoryException.class)
                .hasMessageContaining("(pid " + pid + ")").hasMessageContaining("exited after OutOfMemoryError");
        assertThat(error.getCause()).isInstanceOf(OutOfMemoryError.class);
        assertThat(PoolChecks.assertRunsNewTask(pool)).isNotEqualTo(pid);
    }
}
