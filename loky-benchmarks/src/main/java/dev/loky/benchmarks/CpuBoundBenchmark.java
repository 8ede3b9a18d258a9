package dev.loky.benchmarks;

import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * (e) CPU-bound work: {@value #TASKS} equal tasks ({@link Tasks#spin}) run one after another in
 * this JVM ({@code serial}) and on a pool of 2 workers ({@code twoWorkers}). The speed-up is
 * {@code serial / twoWorkers}; on a 2-core machine 2.0 is the ceiling.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class CpuBoundBenchmark {

    static final int TASKS = 8;

    private ProcessExecutor pool;

    @Setup
    public void startPool() {
        pool = ProcessExecutors.create(Tasks.pool(2).toBuilder().prestart(true).build());
        pool.submit(Tasks.NOOP).join();
    }

    @Benchmark
    public long serial() {
        long sum = 0;
        for (int i = 0; i < TASKS; i++) {
            sum += Tasks.spin(i, Tasks.CPU_ITERATIONS);
        }
        return sum;
    }

    @Benchmark
    public long twoWorkers() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Long>[] futures = new CompletableFuture[TASKS];
        for (int i = 0; i < TASKS; i++) {
            long seed = i;
            futures[i] = pool.submit(() -> Tasks.spin(seed, Tasks.CPU_ITERATIONS));
        }
        long sum = 0;
        for (CompletableFuture<Long> future : futures) {
            sum += future.join();
        }
        return sum;
    }

    @TearDown
    public void stopPool() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(Duration.ofSeconds(10));
    }
}
