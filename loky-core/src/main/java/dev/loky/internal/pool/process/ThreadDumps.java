package dev.loky.internal.pool.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Takes a short thread dump of a worker JVM that is about to be killed for not starting in time.
 * Such a worker often writes nothing at all (it waits on a lock, on DevTools' restarter, on a
 * database), and then its threads are the only description of what it was waiting for. The dump
 * comes from {@code jcmd <pid> Thread.print} (the JDK's attach mechanism: a Unix socket owned by
 * the user, no TCP); the JVM's own service threads are left out and each application thread is
 * cut to its top frames, so that the message stays readable. Stateless; safe from any thread.
 */
public final class ThreadDumps {

    private static final int FRAMES_PER_THREAD = 14;

    private static final Set<String> JVM_THREADS = Set.of("Reference Handler", "Finalizer", "Signal Dispatcher",
            "Common-Cleaner", "Notification Thread", "Attach Listener", "Service Thread", "Monitor Deflation Thread");

    private ThreadDumps() {
    }

    /** The application threads of {@code pid}, or {@code ""} if no dump could be taken within a few seconds. */
    public static String capture(Path javaHome, long pid) {
        Path jcmd = javaHome.resolve("bin").resolve("jcmd");
        if (pid <= 0 || !Files.isExecutable(jcmd)) {
            return "";
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readNBytes(1 << 20);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            return process.exitValue() == 0 ? applicationThreads(new String(out, StandardCharsets.UTF_8)) : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Keeps the threads that are not the JVM's own, each cut to its top frames. */
    static String applicationThreads(String dump) {
        StringBuilder kept = new StringBuilder();
        List<String> block = new ArrayList<>();
        for (String line : (dump + "\n\n").split("\n", -1)) {
            if (!line.isBlank()) {
                block.add(line);
                continue;
            }
            if (!block.isEmpty() && block.get(0).startsWith("\"") && !jvmThread(block.get(0))) {
                int frames = 0;
                for (String l : block) {
                    boolean frame = l.trim().startsWith("at ");
                    if (frame && ++frames > FRAMES_PER_THREAD) {
                        kept.append("\t...\n");
                        break;
                    }
                    kept.append(l).append('\n');
                }
            }
            block.clear();
        }
        return kept.toString();
    }

    private static boolean jvmThread(String header) {
        int end = header.indexOf('"', 1);
        String name = end > 0 ? header.substring(1, end) : header;
        return JVM_THREADS.contains(name) || name.startsWith("C1 CompilerThread") || name.startsWith("C2 CompilerThread")
                || name.startsWith("VM ") || name.startsWith("GC ") || name.startsWith("G1 ") || name.startsWith("Sweeper")
                || header.contains(" daemon ") && name.startsWith("loky-worker-");
    }
}
