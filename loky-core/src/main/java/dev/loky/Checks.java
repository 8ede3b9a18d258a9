package dev.loky;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Argument checks of the public configuration types ({@link PoolConfig.Builder}, {@link MapOptions}):
 * every message names the argument, what it must be, and the value given. Stateless.
 */
final class Checks {

    private Checks() {
    }

    static int positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
        return value;
    }

    static long positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
        return value;
    }

    /** {@code zeroMeans} says what 0 stands for, e.g. {@code "unlimited"}. */
    static int notNegative(String name, int value, String zeroMeans) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 (0 = " + zeroMeans + "), but was " + value);
        }
        return value;
    }

    static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + value);
        }
        return value;
    }

    /** A positive duration or {@code null}; {@code nullMeans} says what {@code null} stands for. */
    static Duration positiveOrNull(String name, Duration value, String nullMeans) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new IllegalArgumentException(name + " must be positive (or null for " + nullMeans + "), but was " + value);
        }
        return value;
    }

    /** A list with no null or blank entry. */
    static List<String> noBlankEntries(String name, List<String> values) {
        Objects.requireNonNull(values, name + " must not be null");
        for (String value : values) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not contain null or blank entries, but was " + values);
            }
        }
        return values;
    }
}
