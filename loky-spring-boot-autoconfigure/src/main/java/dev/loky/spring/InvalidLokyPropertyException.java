package dev.loky.spring;

import dev.loky.LokyException;

/**
 * A {@code loky.*} property has a value that cannot work. It names the property, the value, why it
 * is wrong and how to fix it; a failure analyzer turns it into the startup failure report.
 */
public class InvalidLokyPropertyException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final transient Object value;
    private final String reason;
    private final String action;

    public InvalidLokyPropertyException(String property, Object value, String reason, String action) {
        super("Invalid value '" + value + "' for property '" + property + "': " + reason);
        this.property = property;
        this.value = value;
        this.reason = reason;
        this.action = action;
    }

    /** The property's name, e.g. {@code loky.max-workers}. */
    public String property() {
        return property;
    }

    /** The rejected value. */
    public Object value() {
        return value;
    }

    /** Why the value is wrong. */
    public String reason() {
        return reason;
    }

    /** How to fix it. */
    public String action() {
        return action;
    }
}
