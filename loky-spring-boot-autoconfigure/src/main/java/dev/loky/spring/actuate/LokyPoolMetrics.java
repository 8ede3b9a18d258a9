package dev.loky.spring.actuate;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;
import dev.loky.spring.invocation.ProcessAsyncInvoker;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
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
 */
public class LokyPoolMetrics implements MeterBinder {

    public static final String SIZE = "loky.pool.size";
    public static final String MAX = "loky.pool.max";
    public static final String BUSY = "loky.pool.busy";
    public static final String QUEUED = "loky.tasks.queued";
    public static final String UNCAUGHT = "loky.tasks.uncaught";

    static final Duration CACHE_TIME = Duration.ofSeconds(1);

    private final ProcessExecutor executor;
    private final Supplier<ProcessAsyncInvoker> invoker;
    private final long cacheNanos;
    private PoolSnapshot cached;
    private long cachedAtNanos;

    /**
     * @param invoker the {@code @ProcessAsync} invoker, or {@code null} (read when a scrape asks)
     */
    public LokyPoolMetrics(ProcessExecutor executor, Supplier<ProcessAsyncInvoker> invoker) {
        this(executor, invoker, CACHE_TIME);
    }

    LokyPoolMetrics(ProcessExecutor executor, Supplier<ProcessAsyncInvoker> invoker, Duration cacheTime) {
        this.executor = executor;
        this.invoker = invoker;
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
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<PoolSnapshot> value) {
        Gauge.builder(name, this, metrics -> value.applyAsDouble(metrics.snapshot())).description(description).register(registry);
    }

    /** The pool's snapshot, at most {@link #CACHE_TIME} old. */
    synchronized PoolSnapshot snapshot() {
        long now = System.nanoTime();
        if (cached == null || now - cachedAtNanos >= cacheNanos) {
            cached = executor.snapshot();
            cachedAtNanos = now;
        }
        return cached;
    }

    private double uncaughtFailures() {
        ProcessAsyncInvoker current = invoker == null ? null : invoker.get();
        return current == null ? 0 : current.uncaughtFailures();
    }
}
