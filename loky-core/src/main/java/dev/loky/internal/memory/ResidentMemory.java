package dev.loky.internal.memory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Resident memory of a process: on Linux from {@code /proc/<pid>/status} ({@code VmRSS}), elsewhere
 * with OSHI ({@link OSProcess#getResidentMemory()}). OSHI is initialised on first use only, so a
 * pool that never asks pays nothing, and on Linux it is never loaded: no JNA native library in the
 * caller's JVM, and so none of the JDK's "restricted method" warnings that JNA causes from JDK 24.
 */
public final class ResidentMemory {

    private static final Logger log = LoggerFactory.getLogger(ResidentMemory.class);

    private ResidentMemory() {
    }

    private static final boolean PROC = java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/status"));

    /** {@code true} where resident memory is read with OSHI (no {@code /proc}). */
    public static boolean usesOshi() {
        return !PROC;
    }

    /** Resident bytes of process {@code pid}, or {@code -1} if it is gone or cannot be read. */
    public static long of(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return -1;
        }
        if (PROC) {
            return fromProc(pid);
        }
        try {
            OSProcess process = Holder.OS.getProcess((int) pid);
            return process == null ? -1 : process.getResidentMemory();
        } catch (RuntimeException | LinkageError e) {
            log.debug("cannot read resident memory of pid {}", pid, e);
            return -1;
        }
    }

    /**
     * The proportional set size of process {@code pid} ({@code Pss} of {@code /proc/<pid>/smaps_rollup}):
     * its resident memory with each page shared with other processes counted as its share, so the
     * pages of a CDS archive or an AOT cache that all workers map from one file are not counted once
     * per worker as in the RSS. {@code -1} where there is no {@code smaps_rollup} (not Linux, before
     * Linux 4.14) or the process is gone.
     */
    public static long proportional(long pid) {
        if (!PROC || pid <= 0) {
            return -1;
        }
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(pid), "smaps_rollup"),
                    java.nio.charset.StandardCharsets.US_ASCII)) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[0]) * 1024; // kB
                }
            }
            return -1;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long fromProc(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(pid), "status"),
                    java.nio.charset.StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024; // kB
                }
            }
            return -1; // a zombie has no VmRSS
        } catch (java.io.IOException | RuntimeException e) {
            return -1; // gone
        }
    }

    private static final class Holder {
        static final OperatingSystem OS = new SystemInfo().getOperatingSystem();
    }
}
