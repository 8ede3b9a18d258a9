package dev.loky.benchmarks;

import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * (b) A no-op task's round trip through core {@code submit}: serialize the lambda, send it to an
 * idle worker, run it, send back {@code null}, complete the future. One caller, so one task is in
 * flight at a time; compare with {@link PipeFloorBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class RoundTripBenchmark {

    @Param("2")
    public int workers;

    private ProcessExecutor pool;

    @Setup
    public void startPool() {
        pool = ProcessExecutors.create(Tasks.pool(workers).toBuilder().prestart(true).build());
        for (int i = 0; i < 100; i++) {
            pool.submit(Tasks.NOOP).join();
        }
    }

    @Benchmark
    public Object noop() {
        return pool.submit(Tasks.NOOP).join();
    }

    @TearDown
    public void stopPool() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(Duration.ofSeconds(10));
    }
}
