package dev.loky.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small helpers about this JVM and other processes. */
final class Jvm {

    private Jvm() {
    }

    /** The {@code java} launcher of the running JVM. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A command that runs {@code mainClass} on this JVM's java and classpath. */
    static List<String> command(String mainClass, String... jvmArgs) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(List.of(jvmArgs));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }

    /** VmRSS of a process in bytes, read from {@code /proc/<pid>/status}; -1 when unavailable. */
    /** {@code Pss} of {@code /proc/<pid>/smaps_rollup} in bytes (shared pages counted as a share); {@code -1} if unreadable. */
    static long pssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.substring("Pss:".length()).trim().split("\\s+")[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L; // reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** One line describing the JVM, e.g. {@code 17.0.15+6 (Debian) OpenJDK 64-Bit Server VM}. */
    static String describe() {
        return System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ") "
                + System.getProperty("java.vm.name");
    }
}
