package dev.loky.internal.pool.scheduling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The name every room of the pool logs under, so that a user configures one logger for the pool
 * ({@code logging.level.dev.loky.pool}) whatever class a line comes from, and the rooms need not
 * know the pool's class. Worker output has its own logger, {@code dev.loky.worker}.
 */
public final class PoolLog {

    /** The pool's logger name; stable, and not a package (the pool's classes are internal). */
    public static final String NAME = "dev.loky.pool";

    /** The pool's logger. */
    public static Logger logger() {
        return LoggerFactory.getLogger(NAME);
    }

    private PoolLog() {
    }
}
