package dev.loky.benchmarks;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * (f) A pool of 2 from nothing to its first result: build a private pool with {@code prestart}
 * (both worker JVMs launched at once), submit a no-op and wait for it. Every iteration starts
 * fresh worker JVMs; the pool is shut down outside the measured time, gracefully, so that a worker
 * recording the start-up cache can write it when it exits.
 *
 * <p>{@code cache=off}: no start-up cache (the default configuration). {@code cache=on}: a
 * start-up cache directory private to this run ({@link PoolConfig.Builder#startupCacheDir}): the
 * first (warm-up) iterations record the archive, the measured ones use it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(2)
public class StartupBenchmark {

    @Param({"off", "on"})
    public String cache;

    private Path cacheDir;
    private ProcessExecutor pool;

    @Setup(Level.Trial)
    public void createCacheDir() throws IOException {
        if (cache.equals("on")) {
            cacheDir = Files.createTempDirectory("loky-bench-startup-cache");
        }
    }

    @Benchmark
    public Object poolOfTwoToFirstResult() {
        pool = ProcessExecutors.create(Tasks.pool(2).toBuilder().prestart(true).startupCacheDir(cacheDir).build());
        return pool.submit(Tasks.NOOP).join();
    }

    @TearDown(Level.Iteration)
    public void stopPool() throws InterruptedException {
        if (pool != null) {
            pool.shutdown();
            if (!pool.awaitTermination(Duration.ofSeconds(30))) {
                pool.shutdownNow();
                pool.awaitTermination(Duration.ofSeconds(10));
            }
            pool = null;
        }
    }

    @TearDown(Level.Trial)
    public void deleteCacheDir() throws IOException {
        if (cacheDir != null) {
            try (Stream<Path> files = Files.walk(cacheDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
