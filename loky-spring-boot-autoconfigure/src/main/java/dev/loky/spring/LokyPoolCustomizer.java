package dev.loky.spring;

import dev.loky.PoolConfig;

/**
 * Customizes the {@link PoolConfig} of the auto-configured {@link dev.loky.ProcessExecutor} after the
 * {@code loky.*} properties were applied. Beans of this type are called in order.
 */
@FunctionalInterface
public interface LokyPoolCustomizer {

    void customize(PoolConfig.Builder builder);
}
