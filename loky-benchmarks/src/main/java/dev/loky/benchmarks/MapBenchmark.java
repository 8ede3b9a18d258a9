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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * (d) Chunked {@code map} of small items: {@code x -> x + 1} over {@value #ITEMS} boxed
 * {@code Integer}s with automatic chunking. The score is items per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class MapBenchmark {

    static final int ITEMS = 1_000_000;

    @Param("2")
    public int workers;

    private ProcessExecutor pool;
    private List<Integer> items;

    @Setup
    public void startPool() {
        items = new ArrayList<>(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            items.add(i);
        }
        pool = ProcessExecutors.create(Tasks.pool(workers).toBuilder().prestart(true).build());
        pool.submit(Tasks.NOOP).join();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public List<Integer> map() {
        List<Integer> results = pool.map(Tasks.INCREMENT, items);
        if (results.size() != ITEMS || results.get(ITEMS - 1) != ITEMS) {
            throw new IllegalStateException("map returned " + results.size() + " results");
        }
        return results;
    }

    @TearDown
    public void stopPool() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(Duration.ofSeconds(10));
    }
}
