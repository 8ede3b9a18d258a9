package dev.loky.spring.diagnostics;

import dev.loky.StartMethod;
import dev.loky.spring.InvalidLokyPropertyException;
import dev.loky.spring.LokyProperties;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reports a {@code loky.*} property whose value cannot even be converted (an unknown
 * {@code loky.start-method}, a duration or size that does not parse, ...), naming the accepted
 * values and the fix. Values that convert but are out of range are reported by
 * {@link InvalidLokyPropertyFailureAnalyzer}.
 */
class LokyBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        String name = cause.getName() == null ? "" : cause.getName().toString();
        if (!name.startsWith("loky.") || findCause(rootFailure, InvalidLokyPropertyException.class) != null) {
            return null;
        }
        Object value = cause.getProperty() == null ? null : cause.getProperty().getValue();
        String origin = cause.getProperty() != null && cause.getProperty().getOrigin() != null ? " (set in " + cause.getProperty().getOrigin() + ")" : "";
        String reason = switch (name) {
            case "loky.start-method" -> "it is not one of: " + values(StartMethod.values());
            case "loky.worker.startup-cache" -> "it is not one of: " + values(LokyProperties.StartupCache.values());
            default -> rootCauseMessage(cause);
        };
        String action = action(name);
        return new FailureAnalysis("Invalid value '" + value + "' for property '" + name + "'" + origin + ":\n\n    " + reason, action, cause);
    }

    private static String values(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }

    private static String rootCauseMessage(Throwable error) {
        Throwable current = error;
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        return current.getMessage() == null ? current.getClass().getName() : current.getMessage();
    }

    static String action(String name) {
        if (name.equals("loky.start-method")) {
            return "Set loky.start-method to one of: " + Arrays.stream(StartMethod.values()).map(m -> m.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")) + " ('spawn' runs each worker in its own JVM; 'threads' runs tasks on in-process threads).";
        }
        if (name.equals("loky.worker.startup-cache")) {
            return "Set loky.worker.startup-cache to one of: " + Arrays.stream(LokyProperties.StartupCache.values())
                    .map(m -> m.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ".";
        }
        if (name.endsWith("timeout") || name.endsWith("interval")) {
            return "Set " + name + " to a duration such as 30s, 500ms or PT1M (a bare number means seconds).";
        }
        if (name.equals("loky.memory.leak-threshold")) {
            return "Set loky.memory.leak-threshold to a size such as 100MB or 1GB (a bare number means megabytes).";
        }
        if (name.equals("loky.max-workers") || name.equals("loky.worker.max-tasks")) {
            return "Set " + name + " to a whole number.";
        }
        if (name.equals("loky.enabled") || name.equals("loky.prestart") || name.equals("loky.memory.leak-protection")) {
            return "Set " + name + " to true or false.";
        }
        return "Update " + name + " in your application's configuration (see the loky.* properties in docs/spring.md).";
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
