package dev.loky.internal.pool.process;

import dev.loky.PoolConfig;
import dev.loky.internal.pool.cache.StartupCache;
import dev.loky.internal.pool.scheduling.PoolLog;
import dev.loky.internal.worker.WorkerMain;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of a worker JVM: the parent's {@code java} (or the configured JDK), defaults that
 * keep N workers from sizing themselves for the whole machine, the pool's JVM arguments (which win
 * over the defaults), the classpath and the main class.
 */
final class WorkerCommand {

    private static final long MIB = 1024L * 1024;
    /** The first heap of a worker unless the user sets one: small, so that an idle worker stays small. */
    static final long INITIAL_HEAP_MIB = 24;
    /** The young generation's cap with that first heap under a collector other than G1 (see {@link #build}). */
    static final long MAX_NEW_SIZE_MIB = 64;
    /** G1's first young generation (see {@link #build}). */
    static final long G1_NEW_SIZE_MIB = 8;
    /** G1's young generation may grow to half the heap, at most this. */
    static final long G1_MAX_NEW_SIZE_MIB = 512;
    /** How long an idle G1 worker waits before a collection that returns memory to the OS. */
    static final long G1_PERIODIC_GC_MILLIS = 3000;
    private static final Pattern USE_GC = Pattern.compile("-XX:\\+Use(\\w*)GC");
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED_EXPLICIT_GC = new java.util.concurrent.atomic.AtomicBoolean();

    private WorkerCommand() {
    }

    public static List<String> build(PoolConfig config, int maxWorkers, Path errorFileDir) {
        List<String> user = config.jvmArgs();
        Path javaHome = config.javaHome() != null ? config.javaHome() : Path.of(System.getProperty("java.home"));
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        int cpus = Runtime.getRuntime().availableProcessors();
        if (!hasPrefix(user, "-XX:ActiveProcessorCount")) {
            cmd.add("-XX:ActiveProcessorCount=" + Math.max(1, cpus / Math.max(1, maxWorkers)));
        }
        boolean userMaxHeap = hasPrefix(user, "-Xmx") || hasPrefix(user, "-XX:MaxHeapSize") || hasPrefix(user, "-XX:MaxRAM");
        boolean smallFirstHeap = !hasPrefix(user, "-Xms") && !hasPrefix(user, "-XX:InitialHeapSize")
                && (!userMaxHeap || userMaxHeapBytes(user) >= INITIAL_HEAP_MIB * MIB);
        if (smallFirstHeap) {
            // Also under the user's own -Xmx: without -Xms the JVM starts with 1/64 of the machine's
            // memory (capped at -Xmx, so all of -Xmx256m on this 24 GB machine), the serial collector
            // never shrinks below it, and an idle worker keeps those pages resident (measured on the
            // sample app's -Xmx256m worker: 156 MiB idle RSS without, 112 MiB with; docs/benchmarks.md)
            cmd.add("-Xms" + INITIAL_HEAP_MIB + "m");
        }
        if (!userMaxHeap) {
            cmd.add("-Xmx" + defaultHeapMiB(maxWorkers) + "m");
        }
        boolean g1 = collector(user).map("G1"::equals).orElse(true);
        long maxHeapMiB = userMaxHeap ? userMaxHeapBytes(user) / MIB : defaultHeapMiB(maxWorkers);
        if (!userMaxHeap || (smallFirstHeap && maxHeapMiB >= 4 * MAX_NEW_SIZE_MIB)) {
            if (!hasPrefix(user, "-Xmn") && !hasPrefix(user, "-XX:NewSize") && !hasPrefix(user, "-XX:MaxNewSize")
                    && !hasPrefix(user, "-XX:NewRatio")) {
                if (g1) {
                    // Measured (issue 19, docs/benchmarks.md, thumbnails of 2-Mpixel JPEGs): a young generation
                    // that may grow to half the heap holds a few decoded photos (11-15 MB each), so they die
                    // young instead of filling the old generation: a tenth of the serial defaults' GC time.
                    cmd.add("-XX:NewSize=" + G1_NEW_SIZE_MIB + "m");
                    cmd.add("-XX:MaxNewSize=" + Math.min(G1_MAX_NEW_SIZE_MIB, maxHeapMiB / 2) + "m");
                } else {
                    // Measured (issue 12, docs/benchmarks.md, image-like job): with a 16 MiB first heap the young
                    // generation is smaller than one decoded image, so images went straight to the old generation
                    // and every few items cost a full collection (3x the CPU). A young generation that starts at
                    // 16 MiB and may grow to 64 MiB keeps them short-lived without raising idle RSS.
                    cmd.add("-XX:NewSize=16m");
                    cmd.add("-XX:MaxNewSize=" + MAX_NEW_SIZE_MIB + "m");
                }
            }
        }
        if (collector(user).isEmpty()) {
            cmd.add("-XX:+UseG1GC");
        }
        if (g1 && !hasPrefix(user, "-XX:G1PeriodicGCInterval")) {
            // an idle G1 worker collects every few seconds and gives the heap it grew for a job back
            // to the OS (76-77 MiB RSS 30 s after the thumbnail job; the serial collector kept 87 MiB)
            cmd.add("-XX:G1PeriodicGCInterval=" + G1_PERIODIC_GC_MILLIS);
        }
        cmd.add("-XX:+DisplayVMOutputToStderr");
        // Unified logging writes warnings to stdout by default, which is the channel: move it to stderr.
        cmd.add("-Xlog:disable");
        // CDS warnings ("Skipping ...: Not linked") are noise that would crowd crash messages; from
        // JDK 25 the AOT cache's ("class ... cannot be archived", 100+ lines per recording) have a tag
        // of their own, which older JVMs reject as an invalid option
        cmd.add(StartupCache.JavaVersion.feature(javaHome) >= 25 ? "-Xlog:all=warning,cds*=off,aot*=off:stderr"
                : "-Xlog:all=warning,cds*=off:stderr");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-XX:-CreateCoredumpOnCrash");
        if (!hasPrefix(user, "-XX:ErrorFile")) {
            cmd.add("-XX:ErrorFile=" + errorFileDir.resolve("loky-worker-hs_err_pid%p.log"));
        }
        cmd.add("-D" + WorkerMain.WORKER_PROPERTY + "=true");
        for (String arg : user) {
            if (config.memoryLeakProtection() && arg.equals("-XX:+DisableExplicitGC")) {
                // Leak protection tells garbage from retained memory with a full collection.
                if (WARNED_EXPLICIT_GC.compareAndSet(false, true)) PoolLog.logger().warn("ignoring worker JVM argument {}: memory-leak "
                        + "protection needs System.gc(); switch leak protection off to keep it", arg);
                continue;
            }
            cmd.add(arg);
        }
        cmd.add("-cp");
        cmd.add(config.classpath());
        cmd.add(config.mainClass());
        return cmd;
    }

    /** A quarter of the machine's (or container's) memory shared by the workers, 256 MiB to 1 GiB each. */
    static long defaultHeapMiB(int maxWorkers) {
        long total = 4096 * MIB;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            total = os.getTotalMemorySize();
        }
        long perWorker = total / 4 / Math.max(1, maxWorkers) / MIB;
        return Math.max(256, Math.min(1024, perWorker));
    }

    /**
     * The user's {@code -Xmx} or {@code -XX:MaxHeapSize} in bytes (the last one wins, as in the JVM);
     * {@code -1} when it is given only through {@code -XX:MaxRAM...} or cannot be read.
     */
    static long userMaxHeapBytes(List<String> args) {
        long bytes = -1;
        for (String a : args) {
            String value = a.startsWith("-Xmx") ? a.substring(4)
                    : a.startsWith("-XX:MaxHeapSize=") ? a.substring("-XX:MaxHeapSize=".length()) : null;
            if (value != null) {
                bytes = parseSize(value);
            }
        }
        return bytes;
    }

    private static long parseSize(String value) {
        if (value.isEmpty()) {
            return -1;
        }
        char unit = Character.toLowerCase(value.charAt(value.length() - 1));
        long scale = switch (unit) {
            case 'k' -> 1024L;
            case 'm' -> MIB;
            case 'g' -> 1024 * MIB;
            case 't' -> 1024 * 1024 * MIB;
            default -> 1;
        };
        String digits = Character.isDigit(unit) ? value : value.substring(0, value.length() - 1);
        try {
            return Long.parseLong(digits) * scale;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The collector the user's arguments select ({@code "G1"}, {@code "Serial"}, {@code "Parallel"},
     * {@code "Z"}, ...; the last {@code -XX:+Use...GC} wins, as in the JVM); empty when they name none.
     */
    static Optional<String> collector(List<String> args) {
        String named = null;
        for (String a : args) {
            Matcher m = USE_GC.matcher(a);
            if (m.matches()) {
                named = m.group(1);
            }
        }
        return Optional.ofNullable(named);
    }

    private static boolean hasPrefix(List<String> args, String prefix) {
        return args.stream().anyMatch(a -> a.startsWith(prefix));
    }

    private static final List<String> HEAP_FLAGS = List.of("-Xmx", "-XX:MaxHeapSize=", "-XX:MaxRAMPercentage=", "-XX:MaxRAM=");

    /** The heap cap a worker was started with, e.g. {@code -Xmx64m} (the last such flag wins, as in the JVM). */
    static String heapCap(List<String> command) {
        String cap = null;
        for (String arg : command) {
            for (String flag : HEAP_FLAGS) {
                if (arg.startsWith(flag)) {
                    cap = arg;
                }
            }
        }
        return cap != null ? cap : "the JVM's default maximum heap";
    }
}
