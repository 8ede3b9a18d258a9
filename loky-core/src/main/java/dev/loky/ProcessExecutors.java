package dev.loky;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Factories for {@link ProcessExecutor}s.
 *
 * <p>{@link #reusable(PoolConfig)} is loky's {@code get_reusable_executor}: one process-wide
 * executor, returned again while it is compatible, resized in place when only the size differs,
 * and replaced (the old one drains in the background) when anything else differs or it was shut
 * down.
 */
public final class ProcessExecutors {

    /**
     * The implementation, named rather than referenced: the pool package depends on this API
     * package, and this package does not depend on it, so the two form no cycle.
     */
    private static final String IMPLEMENTATION = "dev.loky.internal.pool.PoolFactory";
    private static final Function<PoolConfig, ProcessExecutor> FACTORY = loadFactory();
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
        return FACTORY.apply(config);
    }

    @SuppressWarnings("unchecked")
    private static Function<PoolConfig, ProcessExecutor> loadFactory() {
        try {
            return (Function<PoolConfig, ProcessExecutor>) Class.forName(IMPLEMENTATION, true,
                    ProcessExecutors.class.getClassLoader()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("loky-core is incomplete on this classpath: " + IMPLEMENTATION
                    + " cannot be loaded (" + e + "); use one loky-core jar, not a partial copy", e);
        }
    }
}
