package dev.loky.sample;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;
import dev.loky.TaskTimeoutException;
import dev.loky.TerminatedWorkerException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

@RestController
public class SampleController {

    private final PrimeService primes;
    private final ProcessExecutor executor;

    public SampleController(PrimeService primes, ProcessExecutor executor) {
        this.primes = primes;
        this.executor = executor;
    }

    /** {@code GET /whoami}: served by a worker (compare its pid with this service's). */
    @GetMapping("/whoami")
    public WorkerInfo whoAmI() {
        return primes.whoAmI();
    }

    /** {@code GET /primes?to=2000000}: one synchronous call in one worker. */
    @GetMapping("/primes")
    public PrimeReport primes(@RequestParam(defaultValue = "0") long from, @RequestParam(defaultValue = "2000000") long to) {
        return primes.countPrimes(from, to);
    }

    /** {@code GET /primes/parallel?to=4000000&parts=4}: the range split over the pool, in parallel. */
    @GetMapping("/primes/parallel")
    public List<PrimeReport> parallel(@RequestParam(defaultValue = "4000000") long to, @RequestParam(defaultValue = "4") int parts) {
        List<CompletableFuture<PrimeReport>> futures = new ArrayList<>();
        long step = Math.max(1, to / parts);
        for (long from = 0; from < to; from += step) {
            futures.add(primes.countPrimesAsync(from, Math.min(to, from + step)));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    /** {@code POST /crash?code=3}: the worker dies; this request gets 502, the service keeps running. */
    @PostMapping("/crash")
    public int crash(@RequestParam(defaultValue = "3") int code) {
        return primes.crash(code);
    }

    /** {@code GET /spin?seconds=10}: exceeds its 2 s timeout; 504, and the worker is replaced. */
    @GetMapping("/spin")
    public String spin(@RequestParam(defaultValue = "10") long seconds) {
        return primes.spin(seconds);
    }

    /** {@code POST /audit?event=login}: fire-and-forget. */
    @PostMapping("/audit")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public void audit(@RequestParam String event) {
        primes.audit(event);
    }

    /** {@code GET /pool}: the pool's workers, queue and counters. */
    @GetMapping("/pool")
    public PoolSnapshot pool() {
        return executor.snapshot();
    }

    @ExceptionHandler(TerminatedWorkerException.class)
    ProblemDetail crashed(TerminatedWorkerException ex) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, ex.getMessage());
    }

    @ExceptionHandler(TaskTimeoutException.class)
    ProblemDetail timedOut(TaskTimeoutException ex) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.GATEWAY_TIMEOUT, ex.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException ex) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
    }
}
