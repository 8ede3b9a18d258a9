package dev.loky.spring.actuate;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The pool's gauges, read from the {@link ProcessExecutor}:
 * <ul>
 *   <li>{@value #SIZE}: live workers (ready or running a task);</li>
 *   <li>{@value #MAX}: the pool's current maximum number of workers;</li>
 *   <li>{@value #BUSY}: workers running a task;</li>
 *   <li>{@value #QUEUED}: tasks waiting for a worker;</li>
 *   <li>{@value #UNCAUGHT} (function counter): fire-and-forget ({@code void}) {@code @ProcessAsync}
 *       calls that failed, whose failure went to the {@code ProcessAsyncExceptionHandler}.</li>
 * </ul>
 * A snapshot asks the operating system for each worker's resident memory, so the gauges share one
 * snapshot for up to {@link #CACHE_TIME} (every gauge of a scrape reads the same picture).
 *
 * <p>The pool is looked up when a gauge is read, not when the meters are bound: binding happens when
 * the registry is created, which the pool's own creation can trigger (it takes the
 * {@link LokyMetrics} listener, which needs the registry), and a binder that needed the pool then
 * would be a creation cycle (with lazy initialization, where binders are not deferred).
 */
public class LokyPoolMetrics implements MeterBinder {

    public static final String SIZE = "loky.pool.size";
    public static final String MAX = "loky.pool.max";
    public static final String BUSY = "loky.pool.busy";
    public static final String QUEUED = "loky.tasks.queued";
    public static final String UNCAUGHT = "loky.tasks.uncaught";

    static final Duration CACHE_TIME = Duration.ofSeconds(1);

    private final Supplier<ProcessExecutor> executor;
    private final LongSupplier uncaughtFailures;
    private final long cacheNanos;
    private PoolSnapshot cached;
    private long cachedAtNanos;

    /** Gauges of this pool; {@code loky.tasks.uncaught} stays 0. */
    public LokyPoolMetrics(ProcessExecutor executor) {
        this(() -> executor, () -> 0, CACHE_TIME);
    }

    /**
     * @param executor the pool, asked for when a gauge is read (it may return {@code null}: the gauges then read NaN)
     * @param uncaughtFailures failed fire-and-forget {@code @ProcessAsync} calls so far (read when a scrape asks)
     */
    public LokyPoolMetrics(Supplier<ProcessExecutor> executor, LongSupplier uncaughtFailures) {
        this(executor, uncaughtFailures, CACHE_TIME);
    }

    LokyPoolMetrics(Supplier<ProcessExecutor> executor, LongSupplier uncaughtFailures, Duration cacheTime) {
        this.executor = executor;
        this.uncaughtFailures = uncaughtFailures;
        this.cacheNanos = cacheTime.toNanos();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, SIZE, "loky workers alive (ready or running a task)", PoolSnapshot::liveWorkers);
        gauge(registry, MAX, "Maximum number of loky workers", PoolSnapshot::maxWorkers);
        gauge(registry, BUSY, "loky workers running a task", PoolSnapshot::busyWorkers);
        gauge(registry, QUEUED, "Tasks waiting for a loky worker", PoolSnapshot::queued);
        FunctionCounter.builder(UNCAUGHT, this, LokyPoolMetrics::uncaughtFailures)
                .description("Fire-and-forget (void) @ProcessAsync calls that failed")
                .register(registry);
        FunctionCounter.builder("loky.cluster.rejected", this, metrics -> ClusterView.rejected(metrics.executor.get()))
                .description("Cluster messages this member dropped unread: they did not verify with loky.cluster.secret")
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<PoolSnapshot> value) {
        Gauge.builder(name, this, metrics -> {
            PoolSnapshot snapshot = metrics.snapshot();
            return snapshot == null ? Double.NaN : value.applyAsDouble(snapshot);
        }).description(description).register(registry);
    }

    /** The pool's snapshot, at most {@link #CACHE_TIME} old; {@code null} without a pool. */
    synchronized PoolSnapshot snapshot() {
        long now = System.nanoTime();
        if (cached == null || now - cachedAtNanos >= cacheNanos) {
            ProcessExecutor pool = executor.get();
            if (pool == null) {
                return null;
            }
            cached = pool.snapshot();
            cachedAtNanos = now;
        }
        return cached;
    }

    private double uncaughtFailures() {
        return uncaughtFailures.getAsLong();
    }
}
