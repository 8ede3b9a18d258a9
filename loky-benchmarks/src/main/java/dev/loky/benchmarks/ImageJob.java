package dev.loky.benchmarks;

import dev.loky.MapOptions;
import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The image-like job, allocation-heavy CPU work: each item draws a generated 1600x1200 image and
 * scales it down to a thumbnail (bilinear), like a thumbnail job without files. Run side by side:
 * serial in this JVM, a 2-thread {@link ExecutorService} in this JVM, and {@code map} on 2 workers
 * (the pool's default worker JVM arguments, or {@code --worker-args "..."} to try others). Each
 * variant runs {@code --warmup} rounds, then {@code --rounds} timed rounds; the median is printed.
 *
 * <pre>
 * java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.ImageJob \
 *     [--items 60] [--rounds 5] [--warmup 2] [--worker-args "-XX:+UseParallelGC ..."]
 * </pre>
 */
public final class ImageJob {

    private ImageJob() {
    }

    public static void main(String[] args) throws Exception {
        int items = 60;
        int rounds = 5;
        int warmup = 2;
        List<String> workerArgs = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--items" -> items = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--worker-args" -> workerArgs = args[++i].isBlank() ? List.of() : List.of(args[++i - 1].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Result r = measure(items, rounds, warmup, workerArgs);
        System.out.printf("image-like job, %d items, median of %d rounds: serial %.0f ms, 2-thread pool %.0f ms, "
                + "map on 2 workers %.0f ms; map / thread pool = %.2fx, serial / map = %.2fx%n", items, rounds,
                r.serialMillis, r.threadsMillis, r.mapMillis, r.mapMillis / r.threadsMillis, r.serialMillis / r.mapMillis);
        System.out.printf("CPU time per round (all processes, GC and JIT included; insensitive to other load): serial %.0f ms, "
                + "2-thread pool %.0f ms, map on 2 workers %.0f ms (workers %.0f + caller %.0f); map / thread pool = %.2fx%n",
                r.serialCpu, r.threadsCpu, r.mapCpu, r.mapCpu - r.mapCallerCpu, r.mapCallerCpu, r.mapCpu / r.threadsCpu);
    }

    /** Medians in milliseconds. */
    record Result(double serialMillis, double threadsMillis, double mapMillis, double serialCpu, double threadsCpu,
            double mapCpu, double mapCallerCpu) {
    }

    /** CPU time (user + system) of this JVM, in ms. */
    static double ownCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e6;
    }

    /** CPU time (user + system) of a process from {@code /proc/<pid>/stat}, in ms (clock ticks of 10 ms). */
    static double cpuMillis(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    static double workersCpu(ProcessExecutor pool) {
        return pool.snapshot().workers().stream().mapToDouble(w -> cpuMillis(w.pid())).sum();
    }

    static Result measure(int items, int rounds, int warmup, List<String> workerArgs) throws Exception {
        List<Integer> seeds = IntStream.range(0, items).boxed().toList();
        double[] cpu = new double[1];
        double serial = median(rounds, warmup, () -> {
            for (int seed : seeds) {
                thumbnail(seed);
            }
        });
        double before = ownCpuMillis();
        for (int seed : seeds) {
            thumbnail(seed);
        }
        double serialCpu = ownCpuMillis() - before;
        ExecutorService threads = Executors.newFixedThreadPool(2);
        double pooled;
        try {
            pooled = median(rounds, warmup, () -> {
                List<Future<Long>> futures = new ArrayList<>();
                for (int seed : seeds) {
                    futures.add(threads.submit(() -> thumbnail(seed)));
                }
                for (Future<Long> f : futures) {
                    f.get();
                }
            });
            before = ownCpuMillis();
            List<Future<Long>> futures = new ArrayList<>();
            for (int seed : seeds) {
                futures.add(threads.submit(() -> thumbnail(seed)));
            }
            for (Future<Long> f : futures) {
                f.get();
            }
            cpu[0] = ownCpuMillis() - before;
        } finally {
            threads.shutdownNow();
        }
        double threadsCpu = cpu[0];
        PoolConfig.Builder config = PoolConfig.builder().name("image-job").maxWorkers(2).prestart(true);
        if (workerArgs != null) {
            config.jvmArgs(workerArgs);
        }
        double mapped;
        try (ProcessExecutor pool = ProcessExecutors.create(config.build())) {
            mapped = median(rounds, warmup, () -> pool.map(ImageJob::thumbnail, seeds, MapOptions.defaults()));
            double workersBefore = workersCpu(pool);
            before = ownCpuMillis();
            pool.map(ImageJob::thumbnail, seeds, MapOptions.defaults());
            double caller = ownCpuMillis() - before;
            double workers = workersCpu(pool) - workersBefore;
            return new Result(serial, pooled, mapped, serialCpu, threadsCpu, workers + caller, caller);
        }
    }

    /** Draws a generated 1600x1200 image and scales it to 200x150; returns a pixel so nothing is optimised away. */
    static long thumbnail(int seed) {
        BufferedImage image = new BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        Random random = new Random(seed);
        for (int i = 0; i < 60; i++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillRect(random.nextInt(1600), random.nextInt(1200), 1 + random.nextInt(600), 1 + random.nextInt(400));
        }
        g.dispose();
        BufferedImage thumb = new BufferedImage(200, 150, BufferedImage.TYPE_INT_RGB);
        Graphics2D t = thumb.createGraphics();
        t.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        t.drawImage(image, 0, 0, 200, 150, null);
        t.dispose();
        return thumb.getRGB(seed % 200, seed % 150);
    }

    interface Body {
        void run() throws Exception;
    }

    static double median(int rounds, int warmup, Body body) throws Exception {
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        double[] millis = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            body.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis[rounds / 2];
    }
}
