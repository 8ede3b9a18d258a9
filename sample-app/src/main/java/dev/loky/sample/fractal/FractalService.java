package dev.loky.sample.fractal;

import dev.loky.spring.ProcessAsync;
import dev.loky.spring.worker.LokyWorkerContext;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Every method here runs in a loky worker JVM: the caller's JVM sends the arguments (as JSON) and
 * reads the result back, so the web server's threads and heap stay free while images render.
 */
@Service
public class FractalService {

    private final Environment environment;
    private final String greeting;

    public FractalService(Environment environment, @Value("${sample.greeting}") String greeting) {
        this.environment = environment;
        this.greeting = greeting;
    }

    /** Synchronous, isolated: the caller blocks and gets the image (or the exception) directly. */
    @ProcessAsync
    public RenderedImage render(int width, int height, double x, double y, double scale, int iterations) {
        long start = System.nanoTime();
        byte[] png = Mandelbrot.png(width, height, x, y, scale, iterations);
        return new RenderedImage(png, ProcessHandle.current().pid(), (System.nanoTime() - start) / 1_000_000);
    }

    /** The same, asynchronous: several calls render in parallel on different workers. */
    @ProcessAsync
    public CompletableFuture<RenderedImage> renderAsync(int width, int height, double x, double y, double scale, int iterations) {
        return CompletableFuture.completedFuture(render(width, height, x, y, scale, iterations));
    }

    /** Who serves the call: a worker JVM, with the {@code loky-worker} profile and the same configuration. */
    @ProcessAsync
    public WorkerInfo whoAmI() {
        return new WorkerInfo(ProcessHandle.current().pid(), LokyWorkerContext.isWorkerProcess(),
                Arrays.asList(environment.getActiveProfiles()), greeting, org.springframework.aot.AotDetector.useGeneratedArtifacts());
    }
}
