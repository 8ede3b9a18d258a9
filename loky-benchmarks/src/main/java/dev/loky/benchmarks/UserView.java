package dev.loky.benchmarks;

import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The workloads as a user meets them: a plain {@code main} in a fresh JVM, the public API only,
 * no JMH forks or warm-up iterations. In order: pool of 2 to first result (cold), the pipe floor
 * (8-byte ping-pong with a child JVM), 20,000 warm-up submits of {@code () -> 1}, 5,000 sequential
 * submits of a lambda capturing an int (p50/p99), three bursts of 100,000 capturing tasks submitted
 * at once then joined (tasks/s of the first and of the third), and three {@code map(x -> x * x)} over
 * 2,000,000 boxed ints (items/s of the first and of the third). Prints one {@code key=value} line per
 * figure.
 *
 * <pre>java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.UserView</pre>
 */
public final class UserView {

    private UserView() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        ProcessExecutor pool = ProcessExecutors.reusable(2, Duration.ofSeconds(300));
        int first = pool.submit(() -> 1).join();
        print("cold_first_result_ms", (System.nanoTime() - start) / 1e6 + first - 1);

        double[] floor = pipeFloor(20_000);
        print("pipe_floor_p50_us", floor[0]);
        print("pipe_floor_p99_us", floor[1]);

        for (int i = 0; i < 20_000; i++) {
            pool.submit(() -> 1).join();
        }

        long[] rt = new long[5_000];
        for (int i = 0; i < rt.length; i++) {
            int captured = i;
            long t0 = System.nanoTime();
            pool.submit(() -> captured + 1).join();
            rt[i] = System.nanoTime() - t0;
        }
        Arrays.sort(rt);
        print("roundtrip_p50_us", rt[rt.length / 2] / 1e3);
        print("roundtrip_p99_us", rt[rt.length * 99 / 100] / 1e3);

        // the first burst and the first map pay the JIT compilation of their paths and the caller's
        // heap growth; the third of each shows the warm pool (both are printed)
        double[] tasksPerSecond = new double[3];
        for (int round = 0; round < tasksPerSecond.length; round++) {
            tasksPerSecond[round] = burst(pool, 100_000);
        }
        print("tasks_per_s", tasksPerSecond[0]);
        print("tasks_per_s_third_burst", tasksPerSecond[2]);

        List<Integer> items = IntStream.range(0, 2_000_000).boxed().collect(Collectors.toList());
        double[] itemsPerSecond = new double[3];
        for (int round = 0; round < itemsPerSecond.length; round++) {
            long t0 = System.nanoTime();
            List<Integer> squares = pool.map(x -> x * x, items);
            itemsPerSecond[round] = squares.size() / ((System.nanoTime() - t0) / 1e9);
        }
        print("map_items_per_s", itemsPerSecond[0]);
        print("map_items_per_s_third_map", itemsPerSecond[2]);

        pool.shutdown();
        System.exit(0);
    }

    /** Tasks per second of {@code n} capturing tasks submitted at once, then joined. */
    private static double burst(ProcessExecutor pool, int n) {
        long t0 = System.nanoTime();
        List<CompletableFuture<Integer>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int captured = i;
            futures.add(pool.submit(() -> captured));
        }
        for (CompletableFuture<Integer> f : futures) {
            f.join();
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** p50 and p99 in microseconds of an 8-byte ping-pong with a {@link PipeEcho} child. */
    static double[] pipeFloor(int rounds) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(Jvm.command(PipeEcho.class.getName())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        OutputStream out = child.getOutputStream();
        InputStream in = child.getInputStream();
        byte[] message = new byte[PipeEcho.MESSAGE_BYTES];
        long[] times = new long[rounds];
        for (int i = 0; i < rounds + 2_000; i++) {
            long t0 = System.nanoTime();
            out.write(message);
            out.flush();
            if (!PipeEcho.readFully(in, message)) {
                throw new IOException("the echo child ended early");
            }
            if (i >= 2_000) {
                times[i - 2_000] = System.nanoTime() - t0;
            }
        }
        out.close();
        child.waitFor();
        Arrays.sort(times);
        return new double[] {times[rounds / 2] / 1e3, times[rounds * 99 / 100] / 1e3};
    }

    /** Runs {@link #main} in a fresh JVM on this classpath; returns its figures by key. */
    static java.util.Map<String, String> runFresh() throws IOException, InterruptedException {
        Process child = new ProcessBuilder(Jvm.command(UserView.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        java.util.Map<String, String> figures = new java.util.LinkedHashMap<>();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            String line;
            while ((line = lines.readLine()) != null) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.contains(" ")) {
                    figures.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        child.waitFor();
        return figures;
    }

    /** The user view as a Markdown table, for {@link SideBySide}. */
    static String table(java.util.Map<String, String> f) {
        if (f.isEmpty()) {
            return "User view (plain main, fresh JVM): not measured (the run failed)\n";
        }
        return "User view (plain `main`, fresh JVM, public API only; see `UserView`):\n\n"
                + "| workload | loky-jvm |\n|---|---|\n"
                + "| pool of 2 to first result, fresh JVM | " + f.get("cold_first_result_ms") + " ms |\n"
                + "| pipe floor p50 / p99 | " + f.get("pipe_floor_p50_us") + " / " + f.get("pipe_floor_p99_us") + " µs |\n"
                + "| round trip of a capturing lambda, p50 / p99 (after 20,000 warm-up submits) | "
                + f.get("roundtrip_p50_us") + " / " + f.get("roundtrip_p99_us") + " µs |\n"
                + "| 100,000 capturing tasks submitted at once, then joined: first burst / third | " + f.get("tasks_per_s")
                + " / " + f.get("tasks_per_s_third_burst") + " tasks/s |\n"
                + "| `map(x -> x * x)` over 2,000,000 boxed ints: first map / third | " + f.get("map_items_per_s")
                + " / " + f.get("map_items_per_s_third_map") + " items/s |\n";
    }

    private static void print(String key, double value) {
        System.out.printf("%s=%.1f%n", key, value);
    }
}
