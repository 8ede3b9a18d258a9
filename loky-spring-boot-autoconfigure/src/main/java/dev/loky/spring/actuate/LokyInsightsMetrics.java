package dev.loky.spring.actuate;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Worker insights as meters (no per-call or per-pid tag):
 * <ul>
 *   <li>{@value #WORKING} / {@value #WAITING} (gauges, seconds): time the live workers spent
 *       running tasks / ready without one, summed over them;</li>
 *   <li>{@value #INIT} (gauge, seconds): mean initializer (slim context boot) time of the live workers;</li>
 *   <li>{@value #SLOWEST} (gauge, seconds): the slowest recent call that {@link LokyInsights} keeps;</li>
 *   <li>{@value #MAPS} (gauge): {@code map} calls running.</li>
 * </ul>
 * Gauges are read on scrape; the pool is looked up then (see {@link LokyPoolMetrics} for why).
 */
public class LokyInsightsMetrics implements MeterBinder {

    public static final String WORKING = "loky.worker.working";
    public static final String WAITING = "loky.worker.waiting";
    public static final String INIT = "loky.worker.init";
    public static final String SLOWEST = "loky.calls.slowest";
    public static final String MAPS = "loky.maps.running";

    private final Supplier<ProcessExecutor> executor;
    private final LokyInsights insights;

    /**
     * @param executor the pool, asked for when a gauge is read (may supply {@code null}: gauges read NaN)
     * @param insights the recent calls
     */
    public LokyInsightsMetrics(Supplier<ProcessExecutor> executor, LokyInsights insights) {
        this.executor = executor;
        this.insights = insights;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        workerGauge(registry, WORKING, "Time the live loky workers spent running tasks", i -> seconds(i.working()), true);
        workerGauge(registry, WAITING, "Time the live loky workers spent ready without a task", i -> seconds(i.waiting()), true);
        workerGauge(registry, INIT, "Mean initializer (worker context boot) time of the live loky workers", i -> seconds(i.init()), false);
        Gauge.builder(SLOWEST, insights, recent -> {
            List<LokyInsights.Call> calls = recent.slowestCalls();
            return calls.isEmpty() ? 0 : calls.get(0).durationMillis() / 1000;
        }).description("The slowest recent loky call, from submission to completion").baseUnit("seconds").register(registry);
        Gauge.builder(MAPS, this, metrics -> {
            ProcessExecutor pool = metrics.executor.get();
            return pool == null ? Double.NaN : pool.snapshot().maps().size();
        }).description("loky map calls running").register(registry);
    }

    private void workerGauge(MeterRegistry registry, String name, String description,
            ToDoubleFunction<PoolSnapshot.Insights> value, boolean sum) {
        Gauge.builder(name, this, metrics -> {
            ProcessExecutor pool = metrics.executor.get();
            if (pool == null) {
                return Double.NaN;
            }
            double total = 0;
            int n = 0;
            for (PoolSnapshot.Worker w : pool.snapshot().workers()) {
                if (w.insights() != null && w.insights().startup() != null) {
                    total += value.applyAsDouble(w.insights());
                    n++;
                }
            }
            return sum ? total : n == 0 ? 0 : total / n;
        }).description(description).baseUnit("seconds").register(registry);
    }

    private static double seconds(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e9;
    }
}
