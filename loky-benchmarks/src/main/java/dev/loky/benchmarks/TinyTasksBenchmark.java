package dev.loky.benchmarks;

import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * (c) Tiny tasks submitted at once: {@value #TASKS} no-op tasks submitted back to back from one
 * thread, then all joined. The score is tasks per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class TinyTasksBenchmark {

    static final int TASKS = 10_000;

    @Param("2")
    public int workers;

    private ProcessExecutor pool;

    @Setup
    public void startPool() {
        pool = ProcessExecutors.create(Tasks.pool(workers).toBuilder().prestart(true).build());
        pool.submit(Tasks.NOOP).join();
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public Object submitAllThenJoin() {
        CompletableFuture<?>[] futures = new CompletableFuture<?>[TASKS];
        for (int i = 0; i < TASKS; i++) {
            futures[i] = pool.submit(Tasks.NOOP);
        }
        CompletableFuture.allOf(futures).join();
        return futures[TASKS - 1].join();
    }

    @TearDown
    public void stopPool() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(Duration.ofSeconds(10));
    }
}
