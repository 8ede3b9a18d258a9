package dev.loky.internal.pool.process;

import dev.loky.internal.protocol.WorkerLogLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Logs one worker's stderr lines in this JVM. A log event the worker framed
 * ({@link WorkerLogLine}) is logged at its own level under its own logger name, its further lines
 * (a stack trace) with it; a worker's start-up chatter (banners, logging status lines, its
 * context's INFO lines) is logged at DEBUG until the worker is ready, its warnings and errors at
 * their level; after that, a plain line is logged at INFO under {@code dev.loky.worker}, as
 * before. Every line carries the worker's pool, slot and pid. Before, every line a worker wrote
 * was logged again at INFO (about 120 per start of a real application).
 *
 * <p>Owned by the channel's stderr thread, except {@link #ready()}, which the reader calls.
 */
final class WorkerOutputLog {

    private static final Logger plain = LoggerFactory.getLogger("dev.loky.worker");
    /** A logger name as a worker may give it: a Java-ish name, nothing that could be markup. */
    private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z0-9_.$\\-]{1,200}");

    private final String poolName;
    private final int slot;
    private volatile boolean ready;
    /** The event the next {@link WorkerLogLine#CONTINUED} line belongs to; {@code null}: none. */
    private Logger eventLogger;
    private Level eventLevel;

    WorkerOutputLog(String poolName, int slot) {
        this.poolName = poolName;
        this.slot = slot;
    }

    /** The worker reported ready: its chatter is over. */
    void ready() {
        ready = true;
    }

    /**
     * Logs one line of the worker's stderr.
     *
     * @return the line without its framing, for the output tail
     */
    String log(String line, long pid) {
        if (line.startsWith(WorkerLogLine.CONTINUED)) {
            String text = line.substring(WorkerLogLine.CONTINUED.length());
            if (eventLogger != null) {
                log(eventLogger, eventLevel, pid, text);
            } else {
                log(plain, ready ? Level.INFO : Level.DEBUG, pid, text);
            }
            return text;
        }
        eventLogger = null;
        if (line.startsWith(WorkerLogLine.EVENT)) {
            String[] parts = line.substring(WorkerLogLine.EVENT.length()).split(" ", 3);
            Level level = parts.length == 3 ? level(parts[0]) : null;
            if (level != null && LOGGER_NAME.matcher(parts[1]).matches()) {
                Level shown = ready || level.toInt() >= Level.WARN.toInt() ? level : Level.DEBUG;
                eventLogger = LoggerFactory.getLogger(parts[1]);
                eventLevel = shown;
                String text = parts[0] + " " + parts[1] + " " + parts[2];
                log(eventLogger, shown, pid, parts[2]);
                return text;
            }
        }
        log(plain, ready ? Level.INFO : Level.DEBUG, pid, line);
        return line;
    }

    private void log(Logger logger, Level level, long pid, String text) {
        logger.atLevel(level).log("[{}-{} pid {}] {}", poolName, slot, pid, text);
    }

    private static Level level(String name) {
        try {
            return Level.valueOf(name.toUpperCase(Locale.ROOT).equals("WARNING") ? "WARN" : name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
