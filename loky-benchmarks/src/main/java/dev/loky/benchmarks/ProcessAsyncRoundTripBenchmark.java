package dev.loky.benchmarks;

import dev.loky.benchmarks.spring.BenchmarkApplication;
import dev.loky.benchmarks.spring.NoopService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.concurrent.TimeUnit;

/**
 * A no-op {@code @ProcessAsync} round trip: a synchronous call on a Spring bean that runs in a
 * worker JVM (arguments and result as JSON, the call as a serialized task), from one thread, on a
 * prestarted pool of 2 workers. Compare with {@link PipeFloorBenchmark} (target: p50 ≤ 2× the floor).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ProcessAsyncRoundTripBenchmark {

    private ConfigurableApplicationContext context;
    private NoopService service;

    @Setup
    public void start() {
        context = new SpringApplicationBuilder(BenchmarkApplication.class)
                .web(WebApplicationType.NONE)
                .properties("loky.max-workers=2", "loky.prestart=true", "spring.main.banner-mode=off")
                .run();
        service = context.getBean(NoopService.class);
        service.noop(0); // the first call waits for a worker to be ready
    }

    @Benchmark
    public int noop() {
        return service.noop(1);
    }

    @TearDown
    public void stop() {
        context.close();
    }
}
