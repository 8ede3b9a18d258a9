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
 * this JVM ({@code serial}), on a pool of 1 worker ({@code oneWorker}) and on a pool of 2 workers
 * ({@code twoWorkers}). The speed-up is {@code serial / twoWorkers}; {@code oneWorker / twoWorkers}
 * is the same comparison with the code compiled by an identical worker JVM on both sides. On a
 * 2-core machine 2.0 is the ceiling of the latter.
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
    private ProcessExecutor single;

    @Setup
    public void startPools() {
        pool = ProcessExecutors.create(Tasks.pool(2).toBuilder().prestart(true).build());
        pool.submit(Tasks.NOOP).join();
        single = ProcessExecutors.create(Tasks.pool(1).toBuilder().name("bench-single").prestart(true).build());
        single.submit(Tasks.NOOP).join();
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
    public long oneWorker() {
        return runAll(single);
    }

    @Benchmark
    public long twoWorkers() {
        return runAll(pool);
    }

    private static long runAll(ProcessExecutor executor) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Long>[] futures = new CompletableFuture[TASKS];
        for (int i = 0; i < TASKS; i++) {
            long seed = i;
            futures[i] = executor.submit(() -> Tasks.spin(seed, Tasks.CPU_ITERATIONS));
        }
        long sum = 0;
        for (CompletableFuture<Long> future : futures) {
            sum += future.join();
        }
        return sum;
    }

    @TearDown
    public void stopPools() throws InterruptedException {
        pool.shutdownNow();
        single.shutdownNow();
        pool.awaitTermination(Duration.ofSeconds(10));
        single.awaitTermination(Duration.ofSeconds(10));
    }
}
