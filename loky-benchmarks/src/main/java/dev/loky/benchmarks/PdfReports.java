package dev.loky.benchmarks;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import dev.loky.benchmarks.spring.BenchmarkApplication;
import dev.loky.benchmarks.spring.PdfReportService;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * Parallel throughput with an allocation-heavy rendering library (issue 22): a report of
 * {@code --rows} table rows and one chart image per page, rendered to PDF bytes with Apache PDFBox
 * and returned to the caller, as a PDF service does. Two client threads (a service under two
 * parallel requests) each make {@code --calls} calls after {@code --warmup} warm-up calls each;
 * once in this JVM (the calls run on the clients' threads) and once through a pool of 2 workers
 * ({@code --worker-args} for other worker JVM arguments, e.g. the Spring starter's
 * {@code -XX:+UseSerialGC}), and once through a {@code @ProcessAsync} bean of a Spring application
 * with 2 workers ({@link PdfReportService}: the starter's worker defaults, the PDF bytes as JSON).
 * Prints the warm wall time of each, their ratio, the CPU of all processes and the workers' GC pauses.
 *
 * <pre>
 * java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.PdfReports \
 *     [--rows 300] [--calls 10] [--warmup 5] [--worker-args "-XX:+UseSerialGC -Xmx512m"] [--only threads|pool|spring]
 * </pre>
 */
public final class PdfReports {

    private PdfReports() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 300;
        int calls = 10;
        int warmup = 5;
        List<String> workerArgs = null;
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--worker-args" -> workerArgs = args[++i].isBlank() ? List.of() : List.of(args[i].trim().split("\\s+"));
                case "--only" -> only = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int reportRows = rows;
        System.out.printf("PDF reports of %d rows, 2 clients x %d calls after %d warm-up calls each%n", rows, calls, warmup);
        Double inProcess = null;
        if (only == null || only.equals("threads")) {
            inProcess = measure("in this JVM", () -> report(reportRows).length, calls, warmup, null);
        }
        if (only == null || only.equals("pool")) {
            PoolConfig.Builder config = PoolConfig.builder().name("pdf").maxWorkers(2).prestart(true);
            if (workerArgs != null) {
                config.jvmArgs(workerArgs);
            }
            try (ProcessExecutor pool = ProcessExecutors.create(config.build())) {
                double pooled = measure("pool of 2" + (workerArgs == null ? "" : " " + workerArgs),
                        () -> pool.submit(() -> report(reportRows)).get().length, calls, warmup, pool);
                if (inProcess != null) {
                    System.out.printf("throughput of the pool / in this JVM: %.2fx%n", inProcess / pooled);
                }
            }
        }
        if (only == null || only.equals("spring")) {
            // the path of issue 22: a @ProcessAsync bean of a Spring application, with the starter's worker defaults
            List<String> properties = new ArrayList<>(List.of("loky.max-workers=2", "loky.prestart=true", "spring.main.banner-mode=off",
                    "loky.worker.startup-cache=off"));
            if (workerArgs != null) {
                properties.add("loky.worker.jvm-args=" + String.join(",", workerArgs));
            }
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BenchmarkApplication.class)
                    .web(WebApplicationType.NONE).properties(properties.toArray(String[]::new)).run()) {
                PdfReportService service = context.getBean(PdfReportService.class);
                double viaSpring = measure("@ProcessAsync, 2 workers" + (workerArgs == null ? "" : " " + workerArgs),
                        () -> service.report(reportRows).length, calls, warmup, context.getBean(ProcessExecutor.class));
                if (inProcess != null) {
                    System.out.printf("throughput of @ProcessAsync / in this JVM: %.2fx%n", inProcess / viaSpring);
                }
            }
        }
    }

    /** Warm wall ms of 2 clients x {@code calls}; prints it with the CPU of this JVM and the pool's workers. */
    private static double measure(String variant, Callable<Integer> call, int calls, int warmup, ProcessExecutor pool) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            run(clients, call, warmup);
            long[] gcBefore = pool == null ? ThumbnailFiles.gc() : workersGc(pool);
            double cpuBefore = ImageJob.ownCpuMillis() + (pool == null ? 0 : ImageJob.workersCpu(pool));
            long start = System.nanoTime();
            long bytes = run(clients, call, calls);
            double wall = (System.nanoTime() - start) / 1e6;
            double cpu = ImageJob.ownCpuMillis() + (pool == null ? 0 : ImageJob.workersCpu(pool)) - cpuBefore;
            long[] gcAfter = pool == null ? ThumbnailFiles.gc() : workersGc(pool);
            System.out.printf("%-50s wall %7.0f ms  CPU %7.0f ms  GC pauses %4d (%5d ms)  %d KB per report%n", variant, wall, cpu,
                    gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], bytes / (2L * calls) / 1024);
            return wall;
        } finally {
            clients.shutdownNow();
        }
    }

    /** Each client makes {@code calls} calls one after the other; the total bytes of the reports. */
    private static long run(ExecutorService clients, Callable<Integer> call, int calls) throws Exception {
        List<Future<Long>> done = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            done.add(clients.submit(() -> {
                long bytes = 0;
                for (int i = 0; i < calls; i++) {
                    bytes += call.call();
                }
                return bytes;
            }));
        }
        long bytes = 0;
        for (Future<Long> f : done) {
            bytes += f.get();
        }
        return bytes;
    }

    /**
     * Collections and their total time in the pool's workers, summed: a few tasks, answered by
     * whichever worker takes them, the latest figures of each worker kept.
     */
    private static long[] workersGc(ProcessExecutor pool) throws Exception {
        java.util.Map<Long, long[]> byWorker = new java.util.HashMap<>();
        List<Future<long[]>> asked = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            asked.add(pool.submit(() -> {
                Thread.sleep(20); // long enough that both workers take some of these
                long[] g = ThumbnailFiles.gc();
                return new long[] {ProcessHandle.current().pid(), g[0], g[1]};
            }));
        }
        for (Future<long[]> f : asked) {
            long[] gc = f.get();
            byWorker.merge(gc[0], new long[] {gc[1], gc[2]}, (a, b) -> a[0] >= b[0] ? a : b);
        }
        return new long[] {byWorker.values().stream().mapToLong(g -> g[0]).sum(), byWorker.values().stream().mapToLong(g -> g[1]).sum()};
    }

    /** A report: a title, a table of {@code rows} rows over as many pages as it takes, and a chart image on each page. */
    public static byte[] report(int rows) {
        Random random = new Random(rows);
        try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            int perPage = 45;
            for (int first = 0; first < rows; first += perPage) {
                PDPage page = new PDPage(PDRectangle.A4);
                doc.addPage(page);
                PDImageXObject chart = LosslessFactory.createFromImage(doc, chart(random));
                try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                    content.drawImage(chart, 50, 640, 495, 160);
                    content.beginText();
                    content.setFont(bold, 14);
                    content.newLineAtOffset(50, 620);
                    content.showText("Monthly report, rows " + (first + 1) + " to " + Math.min(rows, first + perPage));
                    content.endText();
                    float y = 600;
                    for (int r = first; r < Math.min(rows, first + perPage); r++) {
                        content.beginText();
                        content.setFont(regular, 9);
                        content.newLineAtOffset(50, y);
                        content.showText(String.format("%05d  %-28s %10.2f EUR  %-12s %s", r, "Account " + Long.toHexString(random.nextLong()),
                                random.nextDouble() * 10_000, random.nextBoolean() ? "paid" : "open", "2026-" + (1 + random.nextInt(12))));
                        content.endText();
                        content.moveTo(50, y - 3);
                        content.lineTo(545, y - 3);
                        content.stroke();
                        y -= 12.5f;
                    }
                }
            }
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bar chart as a 990 x 320 image: decoded, drawn and compressed into the page, as reports with charts do. */
    private static BufferedImage chart(Random random) {
        BufferedImage image = new BufferedImage(990, 320, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 990, 320);
        g.setStroke(new BasicStroke(2));
        for (int i = 0; i < 60; i++) {
            int h = 20 + random.nextInt(280);
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillRect(10 + i * 16, 310 - h, 12, h);
        }
        g.dispose();
        return image;
    }
}
