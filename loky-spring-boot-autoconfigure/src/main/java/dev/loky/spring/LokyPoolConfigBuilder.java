package dev.loky.spring;

import dev.loky.PoolConfig;

/**
 * Builds the {@link PoolConfig} of the auto-configured {@link dev.loky.ProcessExecutor}, as Spring
 * Boot's {@code ThreadPoolTaskExecutorBuilder} does for its executor. The auto-configured one
 * ({@code @ConditionalOnMissingBean}) applies the {@code loky.*} properties, the worker context
 * (the application's resolved environment, its configuration classes, Spring AOT output), the
 * {@link dev.loky.PoolEventListener} beans and then the {@link LokyPoolCustomizer} beans. Most
 * applications change it with a customizer; define a bean of this type to replace it whole (the
 * {@code loky.*} properties then apply only as far as your builder reads them).
 *
 * <p>Concurrency: {@link #build()} is called once, on the pool's background preparation thread,
 * never on the thread that creates the application's beans; it may do I/O (the auto-configured
 * one checks the workers' JVM arguments, extracts an executable jar and captures the
 * environment). An exception it throws fails the application's start-up.
 */
@FunctionalInterface
public interface LokyPoolConfigBuilder {

    /** The configuration of the application's pool. */
    PoolConfig build();
}
