package dev.loky.benchmarks;

import dev.loky.MapResult;
import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The batch user's thumbnail job on real files (issue 19): JPEG photos of 1600-2400 x 1200-1600
 * pixels (generated here into {@code --dir}, once; no file is checked in) plus a few corrupt files,
 * each decoded with ImageIO, scaled to 320 px wide and written as a JPEG thumbnail. One cold run per
 * variant, as a user runs it: serial in this JVM, a 2-thread pool in this JVM, {@code mapAll} on
 * a new pool of 2 workers (its start included; {@code --worker-args} to try other worker JVM
 * arguments), and Python loky's reusable executor with 2 workers and Pillow on the same files
 * (loky_thumbnails.py; skipped without a python3 that has loky and Pillow). Prints wall time, CPU
 * time (all processes) and GC pauses (count, total) per variant. The pool's and Python's wall time
 * end with the results in hand, before the executor is closed; the pool's close is printed apart.
 *
 * <pre>
 * java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.ThumbnailFiles \
 *     [--dir /tmp/loky-photos] [--items 300] [--corrupt 5] [--worker-args "-Xmn256m"] [--only serial|threads|pool|python]
 *     [--idle-seconds 8,30] [--python /usr/bin/python3] [--chunk-size N]
 * </pre>
 */
public final class ThumbnailFiles {

    /** When (seconds after the job) the idle workers' resident memory is read, unless {@code --idle-seconds} says. */
    static final List<Integer> IDLE_SECONDS = List.of(8);

    private ThumbnailFiles() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "loky-photos-" + System.getProperty("user.name"));
        int items = 300;
        int corrupt = 5;
        List<String> workerArgs = null;
        String only = null;
        List<Integer> idleSeconds = IDLE_SECONDS;
        String python = null;
        int chunkSize = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--items" -> items = Integer.parseInt(args[++i]);
                case "--corrupt" -> corrupt = Integer.parseInt(args[++i]);
                case "--worker-args" -> workerArgs = args[++i].isBlank() ? List.of() : List.of(args[i].trim().split("\\s+"));
                case "--only" -> only = args[++i];
                case "--python" -> python = args[++i];
                case "--chunk-size" -> chunkSize = Integer.parseInt(args[++i]);
                case "--idle-seconds" -> idleSeconds = Stream.of(args[++i].split(",")).map(Integer::valueOf).sorted().toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<String> files = photos(dir, items, corrupt);
        Path out = Files.createDirectories(dir.resolve("thumbs"));
        System.out.printf("thumbnails of %d files (%d corrupt) in %s%n", files.size(), corrupt, dir);
        if (only == null || only.equals("serial")) {
            report("serial", inThisJvm(() -> files.forEach(f -> safely(f, out))));
        }
        if (only == null || only.equals("threads")) {
            report("2-thread pool", inThisJvm(() -> {
                ExecutorService threads = Executors.newFixedThreadPool(2);
                try {
                    List<Future<?>> futures = new ArrayList<>();
                    for (String f : files) {
                        futures.add(threads.submit(() -> safely(f, out)));
                    }
                    for (Future<?> future : futures) {
                        future.get();
                    }
                } finally {
                    threads.shutdownNow();
                }
            }));
        }
        if (only == null || only.equals("pool")) {
            report("loky mapAll, 2 workers" + (workerArgs == null ? "" : " " + workerArgs), onPool(files, out, workerArgs, idleSeconds, chunkSize));
        }
        if (only == null || only.equals("python")) {
            onPythonLoky(dir, python, idleSeconds.get(0));
        }
    }

    /** The same files on Python loky (Pillow in place of ImageIO), when a python3 with loky and Pillow is found. */
    private static void onPythonLoky(Path dir, String preferred, int idleSeconds) throws Exception {
        java.util.Optional<String> python = PythonLoky.find(preferred, "PIL");
        if (python.isEmpty()) {
            System.out.println("Python loky: no python3 that imports loky (or joblib) and PIL; skipped"
                    + " (Debian: apt-get install python3-joblib python3-pil)");
            return;
        }
        Map<String, String> r = PythonLoky.run(python.get(), "loky_thumbnails.py", dir.toString(), String.valueOf(idleSeconds));
        System.out.printf("%-40s wall %6s ms  CPU %6s ms  (no GC)  failed files %s%n", "Python loky " + r.get("loky_version")
                + ", 2 workers", r.get("wall_ms"), r.get("cpu_ms"), r.get("failed"));
        System.out.printf("  idle workers' RSS after %d s: [%s] MiB%n", idleSeconds, r.get("idle_rss_mib"));
    }

    /** Wall ms, CPU ms, GC pauses and GC ms. */
    record Figures(double wallMillis, double cpuMillis, long gcPauses, long gcMillis, int failed) {
    }

    private static void report(String variant, Figures f) {
        System.out.printf("%-40s wall %6.0f ms  CPU %6.0f ms  GC pauses %4d (%5d ms)%s%n", variant, f.wallMillis, f.cpuMillis,
                f.gcPauses, f.gcMillis, f.failed >= 0 ? "  failed files " + f.failed : "");
    }

    interface Body {
        void run() throws Exception;
    }

    private static Figures inThisJvm(Body body) throws Exception {
        long[] gcBefore = gc();
        double cpuBefore = ImageJob.ownCpuMillis();
        long start = System.nanoTime();
        body.run();
        double wall = (System.nanoTime() - start) / 1e6;
        long[] gcAfter = gc();
        return new Figures(wall, ImageJob.ownCpuMillis() - cpuBefore, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], -1);
    }

    /**
     * The job on a new pool. Wall time runs from creating the pool to the results in hand, as
     * Python loky's script measures it (from its executor's creation to {@code map}'s list); the
     * pool's {@code close()} is timed and printed apart. The workers' collections are read after
     * the job, by one call per worker, so the job itself carries no measuring code.
     */
    private static Figures onPool(List<String> files, Path out, List<String> workerArgs, List<Integer> idleSeconds,
            int chunkSize) throws Exception {
        PoolConfig.Builder config = PoolConfig.builder().name("thumbnails").maxWorkers(2);
        if (workerArgs != null) {
            config.jvmArgs(workerArgs);
        }
        double cpuBefore = ImageJob.ownCpuMillis();
        long start = System.nanoTime();
        Map<Long, long[]> gcByWorker = new HashMap<>();
        Map<Long, Double> cpuByWorker = new HashMap<>();
        MapResult<Boolean> result;
        double wall;
        long closeStart;
        ProcessExecutor pool = ProcessExecutors.create(config.build());
        try {
            String target = out.toString();
            result = pool.mapAll(f -> {
                thumbnail(f, Path.of(target));
                return true;
            }, files, dev.loky.MapOptions.defaults().chunkSize(chunkSize));
            wall = (System.nanoTime() - start) / 1e6;
            readCollections(pool, gcByWorker);
            pool.snapshot().workers().forEach(w -> cpuByWorker.put(w.pid(), ImageJob.cpuMillis(w.pid())));
            // then idle, as a worker waiting for the next job: what it keeps resident
            int idled = 0;
            for (int seconds : idleSeconds) {
                Thread.sleep((seconds - idled) * 1000L); // a period of idling being measured, not a wait for a condition
                idled = seconds;
                List<String> idle = new ArrayList<>();
                List<Long> pids = new ArrayList<>();
                for (var w : pool.snapshot().workers()) {
                    idle.add(String.format("%.0f", w.rssBytes() / 1048576.0));
                    pids.add(w.pid());
                }
                System.out.printf("  idle workers' RSS after %d s: %s MiB (pids %s)%n", seconds, idle, pids);
            }
        } finally {
            closeStart = System.nanoTime();
            pool.close();
        }
        System.out.printf("  close(): %.0f ms%n", (System.nanoTime() - closeStart) / 1e6);
        double cpu = ImageJob.ownCpuMillis() - cpuBefore + cpuByWorker.values().stream().mapToDouble(Double::doubleValue).sum();
        long pauses = gcByWorker.values().stream().mapToLong(g -> g[0]).sum();
        long gcMillis = gcByWorker.values().stream().mapToLong(g -> g[1]).sum();
        return new Figures(wall, cpu, pauses, gcMillis, result.failed());
    }

    /**
     * Each worker's collections so far, by pid: calls that hold their worker for a moment, two at a
     * time, until both workers have answered (an idle pool hands two calls to its two workers).
     */
    private static void readCollections(ProcessExecutor pool, Map<Long, long[]> gcByWorker) throws Exception {
        for (int attempt = 0; attempt < 10 && gcByWorker.size() < 2; attempt++) {
            List<java.util.concurrent.CompletableFuture<long[]>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(pool.submit(() -> {
                    Thread.sleep(100); // holds this worker so that the other call goes to the other one
                    long[] gc = gc();
                    return new long[] {ProcessHandle.current().pid(), gc[0], gc[1]};
                }));
            }
            for (var call : calls) {
                long[] r = call.get();
                gcByWorker.put(r[0], new long[] {r[1], r[2]});
            }
        }
    }

    /** Collections and their total time in this JVM so far. */
    static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private static void safely(String file, Path out) {
        try {
            thumbnail(file, out);
        } catch (RuntimeException e) {
            // a corrupt file: counted by the pool variant; the in-JVM variants go on as a job would
        }
    }

    /** Decodes one photo, scales it to 320 px wide, writes the thumbnail; throws for a file that is not an image. */
    static String thumbnail(String file, Path out) {
        try {
            BufferedImage image = ImageIO.read(Path.of(file).toFile());
            if (image == null) {
                throw new IllegalArgumentException(file + " is not an image ImageIO can read");
            }
            int width = 320;
            int height = Math.max(1, image.getHeight() * width / image.getWidth());
            BufferedImage thumb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = thumb.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, width, height, null);
            g.dispose();
            Path target = out.resolve(Path.of(file).getFileName().toString().replaceFirst("\\.jpg$", ".thumb.jpg"));
            ImageIO.write(thumb, "jpg", target.toFile());
            return target.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The photos in {@code dir}, made there first if they are not all there. */
    static List<String> photos(Path dir, int items, int corrupt) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(19);
        for (int i = 0; i < items; i++) {
            Path file = dir.resolve(String.format("photo-%04d.jpg", i));
            int width = 1600 + random.nextInt(801);
            int height = 1200 + random.nextInt(401);
            long seed = random.nextLong();
            if (!Files.exists(file)) {
                ImageIO.write(photo(width, height, seed), "jpg", file.toFile());
            }
        }
        for (int i = 0; i < corrupt; i++) {
            Path file = dir.resolve(String.format("broken-%02d.jpg", i));
            if (!Files.exists(file)) {
                byte[] junk = new byte[4096 + i];
                new Random(i).nextBytes(junk);
                Files.write(file, junk);
            }
        }
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> p.toString().endsWith(".jpg")).map(Path::toString).sorted().toList();
        }
    }

    /** A photo-like picture: gradients, shapes and noise, so that JPEG has detail to encode and decode. */
    private static BufferedImage photo(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xFFFFFF)), width, height, new Color(random.nextInt(0xFFFFFF))));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 80; i++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF) | 0x40000000, true));
            g.fillOval(random.nextInt(width), random.nextInt(height), 20 + random.nextInt(500), 20 + random.nextInt(400));
        }
        g.dispose();
        for (int i = 0; i < width * height / 8; i++) {
            int x = random.nextInt(width);
            int y = random.nextInt(height);
            image.setRGB(x, y, image.getRGB(x, y) ^ random.nextInt(0x202020));
        }
        return image;
    }
}
