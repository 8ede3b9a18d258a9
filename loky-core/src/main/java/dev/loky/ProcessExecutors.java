package dev.loky;

import dev.loky.pool.ProcessPool;
import dev.loky.pool.ThreadPool;

import java.time.Duration;
import java.util.Objects;

/**
 * Factories for {@link ProcessExecutor}s.
 *
 * <p>{@link #reusable(PoolConfig)} is loky's {@code get_reusable_executor}: one process-wide
 * executor, returned again while it is compatible, resized in place when only the size differs,
 * and replaced (the old one drains in the background) when anything else differs or it was shut
 * down.
 */
public final class ProcessExecutors {

    private static final Object LOCK = new Object();
    private static ProcessExecutor reusable;

    private ProcessExecutors() {
    }

    /**
     * The reusable executor with {@code maxWorkers} workers and this idle timeout, other settings
     * at their defaults.
     */
    public static ProcessExecutor reusable(int maxWorkers, Duration idleTimeout) {
        return reusable(PoolConfig.builder().maxWorkers(maxWorkers).idleTimeout(idleTimeout).build());
    }

    /** The reusable executor for this configuration; see the class comment. */
    public static ProcessExecutor reusable(PoolConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        synchronized (LOCK) {
            ProcessExecutor current = reusable;
            if (current != null && !current.isShutdown() && current.config().isCompatibleWith(config)) {
                if (current.snapshot().maxWorkers() != config.maxWorkers()) {
                    current.resize(config.maxWorkers());
                }
                return current;
            }
            if (current != null) {
                current.shutdown();
            }
            reusable = create(config);
            return reusable;
        }
    }

    /** A private executor that the caller owns and must close. */
    public static ProcessExecutor create(PoolConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        return switch (config.startMethod()) {
            case SPAWN -> new ProcessPool(config);
            case THREADS -> new ThreadPool(config);
        };
    }
}
