package dev.loky.pool;

import dev.loky.PoolConfig;
import dev.loky.worker.WorkerMain;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a worker JVM: the parent's {@code java} (or the configured JDK), defaults that
 * keep N workers from sizing themselves for the whole machine, the pool's JVM arguments (which win
 * over the defaults), the classpath and the main class.
 */
final class WorkerCommand {

    private static final long MIB = 1024L * 1024;
    /** The first heap of a worker unless the user sets one: small, so that an idle worker stays small. */
    static final long INITIAL_HEAP_MIB = 24;
    /** The young generation's cap with that first heap (see {@link #build}). */
    static final long MAX_NEW_SIZE_MIB = 64;
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED_EXPLICIT_GC = new java.util.concurrent.atomic.AtomicBoolean();

    private WorkerCommand() {
    }

    static List<String> build(PoolConfig config, int maxWorkers, Path errorFileDir) {
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
        if (!userMaxHeap || (smallFirstHeap && userMaxHeapBytes(user) >= 4 * MAX_NEW_SIZE_MIB * MIB)) {
            if (!hasPrefix(user, "-Xmn") && !hasPrefix(user, "-XX:NewSize") && !hasPrefix(user, "-XX:MaxNewSize")
                    && !hasPrefix(user, "-XX:NewRatio")) {
                // Measured (issue 12, docs/benchmarks.md, image-like job): with a 16 MiB first heap the young
                // generation is smaller than one decoded image, so images went straight to the old generation
                // and every few items cost a full collection (3x the CPU). A young generation that starts at
                // 16 MiB and may grow to 64 MiB keeps them short-lived without raising idle RSS.
                cmd.add("-XX:NewSize=16m");
                cmd.add("-XX:MaxNewSize=" + MAX_NEW_SIZE_MIB + "m");
            }
        }
        if (user.stream().noneMatch(a -> a.matches("-XX:\\+Use\\w*GC"))) {
            cmd.add("-XX:+UseSerialGC");
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
                if (WARNED_EXPLICIT_GC.compareAndSet(false, true)) org.slf4j.LoggerFactory.getLogger(WorkerCommand.class).warn("ignoring worker JVM argument {}: memory-leak "
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

    private static boolean hasPrefix(List<String> args, String prefix) {
        return args.stream().anyMatch(a -> a.startsWith(prefix));
    }
}
