package dev.loky.benchmarks;

import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * (f) A pool of 2 from nothing to its first result: build a private pool with {@code prestart}
 * (both worker JVMs launched at once), submit a no-op and wait for it. Every iteration starts
 * fresh worker JVMs; the pool is shut down outside the measured time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(2)
public class StartupBenchmark {

    private ProcessExecutor pool;

    @Benchmark
    public Object poolOfTwoToFirstResult() {
        pool = ProcessExecutors.create(Tasks.pool(2).toBuilder().prestart(true).build());
        return pool.submit(Tasks.NOOP).join();
    }

    @TearDown(Level.Iteration)
    public void stopPool() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(Duration.ofSeconds(10));
            pool = null;
        }
    }
}
