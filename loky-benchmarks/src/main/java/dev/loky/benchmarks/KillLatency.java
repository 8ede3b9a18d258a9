package dev.loky.benchmarks;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import dev.loky.RemoteCallable;
import dev.loky.TerminatedWorkerException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * (g) SIGKILL of a busy worker to the failed future. A task writes its worker's pid to a marker
 * file and then spins on the CPU; once the marker appears the parent sends SIGKILL to that pid
 * ({@link ProcessHandle#destroyForcibly()}) and measures the time until the task's future has
 * failed with {@link TerminatedWorkerException}. A plain main class rather than JMH: every round
 * costs a worker, so the sample is small.
 *
 * <pre>java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.KillLatency [rounds]</pre>
 */
public final class KillLatency {

    /** Per-round latencies in milliseconds. */
    record Result(double[] millis) {
        double p50() {
            return Stats.percentile(millis, 50);
        }

        double max() {
            return Stats.max(millis);
        }
    }

    private KillLatency() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Result result = measure(rounds);
        System.out.printf("SIGKILL of a busy worker -> failed future, %d rounds: p50 %.1f ms, max %.1f ms%n",
                result.millis().length, result.p50(), result.max());
    }

    static Result measure(int rounds) throws Exception {
        Path dir = Files.createTempDirectory("loky-kill-bench");
        double[] millis = new double[rounds];
        try (ProcessExecutor pool = ProcessExecutors.create(Tasks.pool(2).toBuilder().prestart(true).build())) {
            pool.submit(Tasks.NOOP).join();
            for (int round = 0; round < rounds; round++) {
                awaitLiveWorkers(pool, 2);
                String marker = dir.resolve("busy-" + round).toString();
                CompletableFuture<Object> future = pool.submit(busyTask(marker));
                CompletableFuture<Long> failedAt = new CompletableFuture<>();
                future.whenComplete((value, error) -> failedAt.complete(System.nanoTime()));

                long pid = awaitPid(Path.of(marker));
                ProcessHandle worker = ProcessHandle.of(pid)
                        .orElseThrow(() -> new IllegalStateException("worker " + pid + " is gone before the kill"));
                long killedAt = System.nanoTime();
                worker.destroyForcibly();
                long completedAt = failedAt.get(30, TimeUnit.SECONDS);
                millis[round] = (completedAt - killedAt) / 1e6;

                Throwable error = outcome(future);
                if (!(error instanceof TerminatedWorkerException)) {
                    throw new IllegalStateException("expected TerminatedWorkerException, got " + error, error);
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
        return new Result(millis);
    }

    /** Writes its pid to {@code marker}, then spins until killed. */
    private static RemoteCallable<Object> busyTask(String marker) {
        return () -> {
            Files.writeString(Path.of(marker + ".tmp"), Long.toString(ProcessHandle.current().pid()));
            Files.move(Path.of(marker + ".tmp"), Path.of(marker));
            long x = 1;
            while (x != 0) {
                x = Tasks.spin(x, 1_000_000);
            }
            return x;
        };
    }

    private static long awaitPid(Path marker) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(marker)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the busy task never started (no " + marker + ")");
            }
            LockSupport.parkNanos(200_000);
        }
        return Long.parseLong(Files.readString(marker, StandardCharsets.UTF_8).trim());
    }

    /** Waits (bounded) until the replacement of the last killed worker is up again. */
    static void awaitLiveWorkers(ProcessExecutor pool, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            PoolSnapshot snapshot = pool.snapshot();
            if (snapshot.liveWorkers() >= count && snapshot.busyWorkers() == 0) {
                return;
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static Throwable outcome(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (RuntimeException e) {
            return e;
        }
    }

    static Duration duration(double millis) {
        return Duration.ofNanos((long) (millis * 1e6));
    }
}
