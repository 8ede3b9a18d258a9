package dev.loky.spring.worker;

import org.springframework.core.env.PropertyResolver;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The console pattern of a worker's context: each log event framed so that the parent logs it at
 * its own level and under its own logger name, and its further lines (a stack trace) with it. The
 * framing is loky-core's worker log line ({@code dev.loky.internal.protocol.WorkerLogLine}, an internal of
 * core: the same two strings, held to it end to end by {@code WorkerLogLevelsTests}). What follows
 * the framing is the application's own {@code logging.pattern.console} when it sets one (so its MDC
 * fields, a request id, still reach the parent's log), else the message, after the application's
 * {@code logging.pattern.correlation} when it sets one. The stack trace is Logback's own {@code %ex}: Boot's
 * {@code %wEx} printed nothing inside {@code %replace}, and Logback then appended an unframed one.
 * Only with Logback, Spring Boot's default (the framing is written in Logback's pattern syntax), and
 * not with structured console logging; otherwise the worker's lines reach the parent as plain lines.
 */
final class WorkerLogFraming {

    /** {@code WorkerLogLine.EVENT}. */
    static final String EVENT = "\u001eLOKY ";
    /** {@code WorkerLogLine.CONTINUED}. */
    static final String CONTINUED = "\u001e+";

    private WorkerLogFraming() {
    }

    /** The worker's {@code logging.pattern.console}, or {@code null} to leave the application's logging as it is. */
    static String consolePattern(PropertyResolver environment, ClassLoader loader) {
        if (!ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", loader)
                || StringUtils.hasText(System.getProperty("org.springframework.boot.logging.LoggingSystem"))
                || StringUtils.hasText(environment.getProperty("logging.structured.format.console"))) {
            return null;
        }
        String own = environment.getProperty("logging.pattern.console");
        // the correlation (a trace id) as the application's logging.pattern.correlation writes it, if set
        String correlation = environment.getProperty("logging.pattern.correlation");
        String body = StringUtils.hasText(own) ? own : (StringUtils.hasText(correlation) ? correlation : "") + "%m%n%ex";
        // every newline that more text follows (a stack trace, a multi-line message) starts a continued
        // line; the regex holds a real newline, not the two characters of an escape, which the property's
        // trip through Spring's placeholder resolution and Logback's variable substitution does not keep
        return EVENT + "%level %logger %replace(" + body + "){'\n(?=.)', '$0" + CONTINUED + "'}";
    }
}
