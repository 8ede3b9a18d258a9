package dev.loky.benchmarks;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The side-by-side runner: runs every benchmark of this module once (the JMH ones through JMH's
 * API, then {@link KillLatency} and {@link IdleRss}), runs Python loky's equivalents when a
 * {@code python3} with loky (or joblib) is found, and prints one summary table with the targets of
 * the project (docs/benchmarks.md) and the ratios between the measurements.
 *
 * <pre>
 * java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.SideBySide \
 *     [--out FILE.md] [--json FILE.json] [--skip-python] [--python EXE] [--kill-rounds N]
 * </pre>
 */
public final class SideBySide {

    private SideBySide() {
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        Path json = null;
        boolean python = true;
        String pythonExe = null;
        int killRounds = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--skip-python" -> python = false;
                case "--python" -> pythonExe = args[++i];
                case "--kill-rounds" -> killRounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (known: --out FILE, --json FILE, --skip-python, --python EXE, --kill-rounds N)");
            }
        }
        String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String loadBefore = loadAverage();

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("dev\\.loky\\.benchmarks\\.(PipeFloor|RoundTrip|TinyTasks|Map|CpuBound|Startup)Benchmark\\.");
        if (json != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
            options.resultFormat(ResultFormatType.JSON).result(json.toString());
        }
        Collection<RunResult> jmh = new Runner(options.build()).run();
        Map<String, Result<?>> byName = new LinkedHashMap<>();
        for (RunResult run : jmh) {
            String benchmark = run.getParams().getBenchmark();
            String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            if (run.getParams().getParamsKeys().contains("cache")) {
                name += ":cache=" + run.getParams().getParam("cache");
            }
            byName.put(name, run.getPrimaryResult());
        }

        System.out.println("# SIGKILL of a busy worker, " + killRounds + " rounds");
        KillLatency.Result kill = KillLatency.measure(killRounds);
        System.out.println("# idle worker RSS");
        List<IdleRss.Worker> rss = IdleRss.measure();
        Map<String, String> loky = python ? runPythonLoky(pythonExe) : Map.of();
        System.out.println("# user view: plain main in a fresh JVM");
        Map<String, String> userView = UserView.runFresh();

        String table = table(started, byName, kill, rss, loky) + "\n" + UserView.table(userView)
                + "\nLoad average (1/5/15 min) at the start: " + loadBefore + "; at the end: " + loadAverage() + "\n";
        System.out.println();
        System.out.println(table);
        if (out != null) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, table, StandardCharsets.UTF_8);
            System.out.println("(written to " + out + ")");
        }
    }

    private static String table(String started, Map<String, Result<?>> jmh, KillLatency.Result kill,
            List<IdleRss.Worker> rss, Map<String, String> loky) {
        StringBuilder t = new StringBuilder();
        t.append("Run started ").append(started).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, JDK ").append(Jvm.describe()).append('\n');
        if (!loky.isEmpty()) {
            t.append("Python loky ").append(loky.getOrDefault("loky_version", "?")).append(" on Python ")
                    .append(loky.getOrDefault("python_version", "?")).append(", same run\n");
        } else {
            t.append("Python loky: not run (no python3 with loky/joblib found, or --skip-python)\n");
        }
        t.append('\n');
        t.append("| benchmark | loky-jvm | Python loky | ratio | target | met |\n");
        t.append("|---|---|---|---|---|---|\n");

        double floorP50 = percentile(jmh.get("PipeFloorBenchmark.pingPong"), 50);
        double floorP99 = percentile(jmh.get("PipeFloorBenchmark.pingPong"), 99);
        row(t, "pipe floor: 8-byte ping-pong between two JVMs, p50 / p99", us(floorP50) + " / " + us(floorP99),
                "", "", "(reference)", "");

        double p50 = percentile(jmh.get("RoundTripBenchmark.noop"), 50);
        double p99 = percentile(jmh.get("RoundTripBenchmark.noop"), 99);
        double lokyP50 = number(loky.get("noop_p50_us"));
        double lokyP99 = number(loky.get("noop_p99_us"));
        row(t, "no-op round trip, core `submit`, p50", us(p50), us(lokyP50),
                fmt(p50 / floorP50, "%.2f× floor") + (Double.isNaN(lokyP50) ? "" : ", " + fmt(lokyP50 / p50, "%.1f× better than loky")),
                "≤ 1.2× floor; ≥ 5× better than loky",
                met(p50 <= 1.2 * floorP50 && (Double.isNaN(lokyP50) || lokyP50 / p50 >= 5)));
        row(t, "no-op round trip, core `submit`, p99", us(p99), us(lokyP99), "", "≤ 500 µs", met(p99 <= 500));

        double tasks = score(jmh.get("TinyTasksBenchmark.submitAllThenJoin"));
        double lokyTasks = number(loky.get("tasks_per_s"));
        row(t, "10,000 no-op tasks submitted at once", perSecond(tasks, "tasks/s"), perSecond(lokyTasks, "tasks/s"),
                fmt(tasks / lokyTasks, "%.1f× loky"), "≥ 100,000 tasks/s", met(tasks >= 100_000));

        double items = score(jmh.get("MapBenchmark.map"));
        double lokyItems = number(loky.get("map_items_per_s"));
        row(t, "chunked `map` of 1,000,000 ints, x -> x + 1", perSecond(items, "items/s"),
                perSecond(lokyItems, "items/s"), fmt(items / lokyItems, "%.1f× loky"), "≥ 5,000,000 items/s",
                met(items >= 5_000_000));

        double serial = score(jmh.get("CpuBoundBenchmark.serial"));
        double one = score(jmh.get("CpuBoundBenchmark.oneWorker"));
        double two = score(jmh.get("CpuBoundBenchmark.twoWorkers"));
        row(t, "CPU-bound: 8 tasks, serial on 1 worker → 2 workers", fmt(one, "%.0f ms") + " → " + fmt(two, "%.0f ms"),
                "", fmt(one / two, "%.2f×"), "≥ 1.9×", met(one / two >= 1.9));
        row(t, "CPU-bound: 8 tasks, serial in the caller's JVM → 2 workers",
                fmt(serial, "%.0f ms") + " → " + fmt(two, "%.0f ms"), "", fmt(serial / two, "%.2f×"),
                "(the caller's JIT differs; see docs)", "");

        double startup = score(jmh.get("StartupBenchmark.poolOfTwoToFirstResult:cache=off"));
        double startupCached = score(jmh.get("StartupBenchmark.poolOfTwoToFirstResult:cache=on"));
        double lokyStartup = number(loky.get("startup_ms"));
        row(t, "pool of 2 from nothing to first result (mean)", fmt(startup, "%.0f ms"), fmt(lokyStartup, "%.0f ms"),
                "", "≤ 150 ms", met(startup <= 150));
        row(t, "the same, with the worker start-up cache (mean)", fmt(startupCached, "%.0f ms"), "", "", "≤ 150 ms",
                met(startupCached <= 150));

        row(t, "SIGKILL of a busy worker to failed future, p50 / max (" + kill.millis().length + " rounds)",
                fmt(kill.p50(), "%.1f ms") + " / " + fmt(kill.max(), "%.1f ms"), "", "", "≤ 100 ms", met(kill.max() <= 100));

        double maxRss = rss.stream().mapToLong(IdleRss.Worker::rssBytes).max().orElse(-1) / 1048576.0;
        StringBuilder each = new StringBuilder();
        for (IdleRss.Worker w : rss) {
            each.append(each.length() == 0 ? "" : ", ").append(fmt(w.rssBytes() / 1048576.0, "%.1f"));
        }
        row(t, "idle worker RSS (VmRSS, each worker)", each + " MiB", "", "", "≤ 48 MiB", met(maxRss > 0 && maxRss <= 48));
        if (!rss.isEmpty()) {
            t.append("\nWorker JVM options: `").append(rss.get(0).jvmArgs()).append("`\n");
        }
        return t.toString();
    }

    private static void row(StringBuilder t, String name, String jvm, String loky, String ratio, String target, String met) {
        t.append("| ").append(name).append(" | ").append(jvm).append(" | ").append(loky).append(" | ").append(ratio)
                .append(" | ").append(target).append(" | ").append(met).append(" |\n");
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static double percentile(Result<?> result, double p) {
        return result == null ? Double.NaN : result.getStatistics().getPercentile(p);
    }

    private static double score(Result<?> result) {
        return result == null ? Double.NaN : result.getScore();
    }

    private static double number(String value) {
        try {
            return value == null ? Double.NaN : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String us(double micros) {
        return fmt(micros, "%.1f µs");
    }

    private static String perSecond(double value, String unit) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%,.0f %s", value, unit);
    }

    private static String fmt(double value, String format) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "" : String.format(Locale.ROOT, format, value);
    }

    /** The first three fields of /proc/loadavg, or "?" off Linux. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Runs loky_bench.py with the first python3 that can import loky; empty when there is none. */
    private static Map<String, String> runPythonLoky(String preferred) throws IOException, InterruptedException {
        Optional<String> python = PythonLoky.find(preferred);
        if (python.isEmpty()) {
            System.out.println("# Python loky: no python3 that imports joblib.externals.loky or loky; skipped");
            return Map.of();
        }
        System.out.println("# Python loky with " + python.get());
        return PythonLoky.run(python.get(), "loky_bench.py");
    }
}
