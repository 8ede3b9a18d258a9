package dev.loky.internal.pool;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;

import java.util.function.Function;

/**
 * The one door into the pool implementation: {@code dev.loky.ProcessExecutors} loads this class
 * by name and creates every executor through it, so the API package never references this one.
 * Not API: public only because it is created reflectively; stateless and thread-safe.
 */
public final class PoolFactory implements Function<PoolConfig, ProcessExecutor> {

    @Override
    public ProcessExecutor apply(PoolConfig config) {
        return switch (config.startMethod()) {
            case SPAWN -> new ProcessPool(config);
            case THREADS -> new ThreadPool(config);
        };
    }
}
