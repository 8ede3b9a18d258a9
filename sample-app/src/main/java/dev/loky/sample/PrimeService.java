package dev.loky.sample;

import dev.loky.spring.ProcessAsync;
import dev.loky.spring.worker.LokyWorkerContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * Every method here runs in a loky worker JVM. The caller's JVM only sends the arguments (as JSON)
 * and reads the result back, so a crash, a runaway loop or a memory blow-up stays in the worker.
 */
@Service
public class PrimeService {

    private static final Logger log = LoggerFactory.getLogger(PrimeService.class);

    private final Environment environment;
    private final String greeting;

    public PrimeService(Environment environment, @Value("${sample.greeting}") String greeting) {
        this.environment = environment;
        this.greeting = greeting;
    }

    /** CPU-heavy, synchronous: the caller blocks and gets the report (or the exception) directly. */
    @ProcessAsync
    public PrimeReport countPrimes(long from, long to) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("need 0 <= from <= to, got from=" + from + ", to=" + to);
        }
        long start = System.nanoTime();
        long count = 0;
        for (long n = Math.max(2, from); n < to; n++) {
            if (isPrime(n)) {
                count++;
            }
        }
        return new PrimeReport(from, to, count, ProcessHandle.current().pid(), (System.nanoTime() - start) / 1_000_000);
    }

    /** The same, asynchronous: several calls run in parallel on different workers. */
    @ProcessAsync
    public CompletableFuture<PrimeReport> countPrimesAsync(long from, long to) {
        return CompletableFuture.completedFuture(countPrimes(from, to));
    }

    /** Who serves the call: a worker JVM, with the {@code loky-worker} profile and the same configuration. */
    @ProcessAsync
    public WorkerInfo whoAmI() {
        return new WorkerInfo(ProcessHandle.current().pid(), LokyWorkerContext.isWorkerProcess(),
                Arrays.asList(environment.getActiveProfiles()), greeting);
    }

    /** Kills its own worker JVM: the caller gets a TerminatedWorkerException, the service lives on. */
    @ProcessAsync
    public int crash(int exitCode) {
        log.warn("crashing worker {} with exit code {}", ProcessHandle.current().pid(), exitCode);
        Runtime.getRuntime().halt(exitCode);
        return exitCode;
    }

    /** Never finishes in time: killed with its worker after the timeout (a TaskTimeoutException). */
    @ProcessAsync(timeout = "${sample.slow-timeout:2s}")
    public String spin(long seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        return "spun " + spins + " times";
    }

    /** Fire-and-forget: returns at once; a failure is logged by the exception handler. */
    @ProcessAsync
    public void audit(String event) {
        if (event.isBlank()) {
            throw new IllegalArgumentException("empty audit event");
        }
        log.info("audit event '{}' recorded by worker {}", event, ProcessHandle.current().pid());
    }

    private static boolean isPrime(long n) {
        if (n < 4) {
            return n > 1;
        }
        if (n % 2 == 0) {
            return false;
        }
        for (long d = 3; d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }
}
