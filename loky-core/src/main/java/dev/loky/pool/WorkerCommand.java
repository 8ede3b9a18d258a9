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
        if (!hasPrefix(user, "-Xmx") && !hasPrefix(user, "-XX:MaxHeapSize") && !hasPrefix(user, "-XX:MaxRAMPercentage")
                && !hasPrefix(user, "-XX:MaxRAM")) {
            cmd.add("-Xmx" + defaultHeapMiB(maxWorkers) + "m");
            if (!hasPrefix(user, "-Xms") && !hasPrefix(user, "-XX:InitialHeapSize")) {
                cmd.add("-Xms24m");
            }
            if (!hasPrefix(user, "-Xmn") && !hasPrefix(user, "-XX:NewSize") && !hasPrefix(user, "-XX:MaxNewSize")
                    && !hasPrefix(user, "-XX:NewRatio")) {
                // Measured (issue 12, docs/benchmarks.md, image-like job): with a 16 MiB first heap the young
                // generation is smaller than one decoded image, so images went straight to the old generation
                // and every few items cost a full collection (3x the CPU). A young generation that starts at
                // 16 MiB and may grow to 64 MiB keeps them short-lived without raising idle RSS.
                cmd.add("-XX:NewSize=16m");
                cmd.add("-XX:MaxNewSize=64m");
            }
        }
        if (user.stream().noneMatch(a -> a.matches("-XX:\\+Use\\w*GC"))) {
            cmd.add("-XX:+UseSerialGC");
        }
        cmd.add("-XX:+DisplayVMOutputToStderr");
        // Unified logging writes warnings to stdout by default, which is the channel: move it to stderr.
        cmd.add("-Xlog:disable");
        // CDS warnings ("Skipping ...: Not linked") are noise that would crowd crash messages.
        cmd.add("-Xlog:all=warning,cds*=off:stderr");
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
        cmd.add(config.classpath() != null ? config.classpath() : System.getProperty("java.class.path"));
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

    private static boolean hasPrefix(List<String> args, String prefix) {
        return args.stream().anyMatch(a -> a.startsWith(prefix));
    }
}
