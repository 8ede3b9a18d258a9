package dev.loky.internal.pool.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What one worker writes outside the protocol: its stderr (drained and logged line by line,
 * {@link WorkerOutputLog}) and stray bytes on its channel (a JVM fatal-error banner, native code
 * writing to fd 1), each logged in a bounded way and its last lines kept for the worker's errors.
 *
 * <p>Threads: the stderr thread drains, the reader thread reports stray lines, any thread reads the
 * tail; each tail is guarded by its own monitor.
 */
final class WorkerOutput {

    private static final Logger workerLog = LoggerFactory.getLogger("dev.loky.worker");
    /**
     * No SLF4J binding on the class path (a plain {@code java -cp} program): SLF4J would drop every
     * line, so a task's {@code System.out} would vanish. Its output goes to this JVM's stderr then.
     */
    private static final boolean NO_LOG_BINDING = LoggerFactory.getILoggerFactory() instanceof org.slf4j.helpers.NOPLoggerFactory;
    private static final int TAIL_LINES = 40;
    /** A stderr line is cut at this many bytes. */
    static final int MAX_LINE_BYTES = 8192;
    /** Stray channel lines logged one by one per worker; after that, one line says the rest are only kept in the tail. */
    static final int STRAY_LINES_LOGGED = 20;

    private final String poolName;
    private final int workerId;
    private final Supplier<String> name;
    private final LongSupplier pid;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    /** How its stderr lines are logged here; stderr thread. */
    private final WorkerOutputLog outputLog;
    private final Deque<String> strayTail = new ArrayDeque<>();
    /** Stray lines seen; reader thread only. */
    private long strayLines;

    WorkerOutput(String poolName, int workerId, Supplier<String> name, LongSupplier pid) {
        this.poolName = poolName;
        this.workerId = workerId;
        this.name = name;
        this.pid = pid;
        this.outputLog = new WorkerOutputLog(poolName, workerId);
    }

    /** The worker is ready: its start-up chatter is over ({@link WorkerOutputLog#ready()}). */
    void ready() {
        outputLog.ready();
    }

    /** A line on its channel that is not a frame; reader thread. */
    void strayLine(String line) {
        addTail(strayTail, line);
        // a bounded sample: 20 MB of garbage once wrote 81,862 WARN lines (46 MB of log)
        long seen = ++strayLines;
        if (seen <= STRAY_LINES_LOGGED) {
            workerLog.warn("[{}] wrote outside the protocol: {}", name.get(), line.length() > 200 ? line.substring(0, 200) + "..." : line);
        } else if (seen == STRAY_LINES_LOGGED + 1) {
            workerLog.warn("[{}] keeps writing outside the protocol; further lines are not logged (the last {} are kept for its errors)",
                    name.get(), TAIL_LINES);
        }
    }

    /**
     * Drains the worker's stderr as bytes, cut into lines at each newline and at
     * {@link #MAX_LINE_BYTES}: a 700 MB line without a newline costs 8 KB of memory here, never an
     * {@code OutOfMemoryError} that would end this thread and silence the worker. Returns at its end.
     */
    void drainStderr(InputStream stderr) {
        byte[] line = new byte[MAX_LINE_BYTES];
        byte[] buffer = new byte[8192];
        int length = 0;
        try (InputStream err = stderr) {
            int n;
            while ((n = err.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        stderrLine(line, length);
                        length = 0;
                    } else {
                        line[length++] = b;
                        if (length == MAX_LINE_BYTES) {
                            stderrLine(line, length);
                            length = 0;
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        if (length > 0) {
            stderrLine(line, length);
        }
    }

    private void stderrLine(byte[] bytes, int length) {
        int end = length > 0 && bytes[length - 1] == '\r' ? length - 1 : length;
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        if (NO_LOG_BINDING) {
            addStderr(text);
            System.err.println("[" + poolName + "-" + workerId + " pid " + pid.getAsLong() + "] " + text);
        } else {
            addStderr(outputLog.log(text, pid.getAsLong()));
        }
    }

    /** A line for the stderr tail, e.g. one the parent wrote for the worker. */
    void addStderr(String line) {
        addTail(stderrTail, line);
    }

    private static void addTail(Deque<String> tail, String line) {
        synchronized (tail) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
    }

    /** The stray channel text (e.g. a JVM fatal-error banner) then the stderr tail. */
    String tail() {
        StringBuilder text = new StringBuilder();
        synchronized (strayTail) {
            strayTail.forEach(line -> text.append(line).append('\n'));
        }
        synchronized (stderrTail) {
            stderrTail.forEach(line -> text.append(line).append('\n'));
        }
        return text.toString();
    }
}
