package dev.loky.spring.it;

import dev.loky.spring.ProcessAsync;
import dev.loky.spring.worker.LokyWorkerContext;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

@Service
public class WorkService {

    private final ItApplication.Greeter greeter;
    private final PidService pids;
    private final Environment environment;
    private final ApplicationContext context;

    @Value("${demo.file}")
    private String fileValue;

    public WorkService(ItApplication.Greeter greeter, PidService pids, Environment environment, ApplicationContext context) {
        this.greeter = greeter;
        this.pids = pids;
        this.environment = environment;
        this.context = context;
    }

    @ProcessAsync
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @ProcessAsync
    public List<Point> points(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Point(i, i * i)).toList();
    }

    @ProcessAsync
    public CompletableFuture<Map<String, BigDecimal>> prices(List<String> names) {
        return CompletableFuture.completedFuture(Map.of(names.get(0), new BigDecimal("19.99"), names.get(1), new BigDecimal("0.10")));
    }

    @ProcessAsync
    public Future<Optional<LocalDate>> nextDay(Optional<LocalDate> day) {
        return CompletableFuture.completedFuture(day.map(d -> d.plusDays(1)));
    }

    @ProcessAsync
    public Duration between(Instant from, Instant to) {
        return Duration.between(from, to);
    }

    @ProcessAsync
    public byte[] reverse(byte[] bytes) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    @ProcessAsync
    public String greet(String name) {
        return greeter.greet(name) + " (" + fileValue + ")";
    }

    @ProcessAsync
    public Map<String, String> properties(List<String> keys) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        keys.forEach(key -> values.put(key, environment.getProperty(key)));
        return values;
    }

    @ProcessAsync
    public List<String> activeProfiles() {
        return Arrays.asList(environment.getActiveProfiles());
    }

    /** Runners run in this JVM, and whether the scheduler's processor exists. */
    @ProcessAsync
    public WorkerState workerState() {
        return new WorkerState(ItApplication.RUNNERS.get(),
                context.containsBeanDefinition("org.springframework.context.annotation.internalScheduledAnnotationProcessor"),
                LokyWorkerContext.isWorkerProcess());
    }

    /** What {@link #workerState()} reports (a record: a {@code List<Object>} would come back as other classes, and is refused). */
    public record WorkerState(int runners, boolean scheduler, boolean inWorker) {
    }

    @ProcessAsync
    public long[] nestedPids() {
        return new long[] {ProcessHandle.current().pid(), pids.pid()};
    }

    @ProcessAsync
    public String fail(String message) {
        throw new IllegalArgumentException(message);
    }

    @ProcessAsync
    public String failChecked() throws IOException {
        throw new IOException("checked in worker");
    }

    @ProcessAsync
    public CompletableFuture<String> failAsync(String message) {
        throw new IllegalStateException(message);
    }

    @ProcessAsync
    public int crash(int code) {
        Runtime.getRuntime().halt(code);
        return -1;
    }

    @ProcessAsync(timeout = "${demo.short-timeout:1s}")
    public String sleepy() throws InterruptedException {
        Thread.sleep(60_000);
        return "woke up";
    }

    @ProcessAsync
    public void writePid(String path) throws IOException {
        Files.writeString(Path.of(path), Long.toString(ProcessHandle.current().pid()));
    }

    @ProcessAsync
    public void failLater(String message) {
        throw new IllegalStateException(message);
    }

    /** Not {@code @ProcessAsync}: a forged call must never reach it (ForgedCallTests). */
    public void exitWithoutAnnotation(int code) {
        System.exit(code);
    }
}
