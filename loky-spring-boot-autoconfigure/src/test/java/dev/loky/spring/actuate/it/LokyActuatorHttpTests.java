package dev.loky.spring.actuate.it;

import dev.loky.TerminatedWorkerException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Actuator over HTTP with real worker JVMs: {@code /actuator/health}, {@code /actuator/loky}
 * and {@code /actuator/metrics/loky.*}. One worker, so that every call lands on the same JVM until
 * the pool replaces it; a 50 MB leak threshold checked after every task (10 ms interval).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "loky.max-workers=1", "loky.worker.startup-cache=off",
        "loky.memory.leak-threshold=50MB", "loky.memory.check-interval=10ms",
        "management.endpoints.web.exposure.include=health,loky,metrics",
        "management.endpoint.health.show-details=always", "management.endpoint.loky.access=unrestricted",
        "loky.max-workers-limit=4"})
class LokyActuatorHttpTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(LokyActuatorHttpTests.class);

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    MemoryService service;

    @AfterEach
    void oneWorkerAgain() throws Exception {
        post("/actuator/loky", "{\"maxWorkers\": 1}");
    }

    @Test
    void healthIsUpWithDetails() throws Exception {
        service.pid();
        JsonNode health = get("/actuator/health");
        assertThat(health.get("status").asString()).isEqualTo("UP");
        JsonNode loky = health.get("components").get("loky");
        assertThat(loky.get("status").asString()).isEqualTo("UP");
        JsonNode details = loky.get("details");
        assertThat(details.get("workers").asLong()).isEqualTo(1);
        assertThat(details.get("busy").asLong()).isZero();
        assertThat(details.get("queued").asLong()).isZero();
        assertThat(details.get("maxWorkers").asInt()).isEqualTo(1);
        assertThat(details.has("crashes")).isTrue();
        assertThat(details.get("restarts").isObject()).isTrue();
        assertThat(get("/actuator/health/loky").get("status").asString()).isEqualTo("UP");
    }

    @Test
    void endpointShowsEachWorkerAndWhatItRuns() throws Exception {
        long pid = service.pid();
        JsonNode pool = get("/actuator/loky");
        log.info("GET /actuator/loky: {}", pool);
        log.info("GET /actuator/health/loky: {}", get("/actuator/health/loky"));
        assertThat(pool.get("state").asString()).isEqualTo("RUNNING");
        assertThat(pool.get("startMethod").asString()).isEqualTo("spawn");
        assertThat(pool.get("maxWorkers").asInt()).isEqualTo(1);
        assertThat(pool.get("workers")).hasSize(1);
        JsonNode worker = pool.get("workers").get(0);
        assertThat(worker.get("pid").asLong()).isEqualTo(pid);
        assertThat(worker.get("state").asString()).isEqualTo("IDLE");
        assertThat(worker.has("currentTask")).as("null values are left out").isFalse();
        assertThat(worker.get("tasksDone").asLong()).isPositive();
        assertThat(worker.get("rssBytes").asLong()).isGreaterThan(10L * 1024 * 1024);
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/smaps_rollup"))) {
            // what one more worker costs: shared pages (the start-up cache, the JDK) counted as a share
            assertThat(worker.get("pssBytes").asLong()).isPositive().isLessThanOrEqualTo(worker.get("rssBytes").asLong());
        }
        assertThat(worker.get("heapUsedBytes").asLong()).isPositive();
        assertThat(worker.get("uptimeSeconds").asDouble()).isNotNegative();
        JsonNode counters = pool.get("counters");
        assertThat(counters.get("submitted").asLong()).isPositive();
        assertThat(counters.get("succeeded").asLong()).isPositive();
        assertThat(counters.get("restarts").isObject()).isTrue();

        CompletableFuture<Long> sleeping = service.sleep(1500);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode busy = get("/actuator/loky").get("workers").get(0);
            assertThat(busy.get("state").asString()).isEqualTo("BUSY");
            assertThat(busy.get("currentTask").asString()).contains("MemoryService.sleep");
            assertThat(metric("loky.pool.busy", null, "VALUE")).isEqualTo(1);
        });
        assertThat(sleeping.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(pid);
    }

    @Test
    void tasksAreTimedByOutcome() throws Exception {
        double before = metric("loky.tasks", "outcome:success", "COUNT");
        for (int i = 0; i < 3; i++) {
            service.pid();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(metric("loky.tasks", "outcome:success", "COUNT")).isEqualTo(before + 3));
        assertThat(metric("loky.tasks", "outcome:success", "TOTAL_TIME")).isPositive();
        assertThat(metric("loky.worker.startup", null, "COUNT")).isGreaterThanOrEqualTo(1);
        assertThat(metric("loky.worker.startup", null, "TOTAL_TIME")).isPositive();
        await().atMost(WAIT).untilAsserted(() -> { // the gauges share a snapshot for up to 1 s
            assertThat(metric("loky.pool.size", null, "VALUE")).isEqualTo(1);
            assertThat(metric("loky.pool.max", null, "VALUE")).isEqualTo(1);
            assertThat(metric("loky.pool.busy", null, "VALUE")).isZero();
            assertThat(metric("loky.tasks.queued", null, "VALUE")).isZero();
        });
        JsonNode tags = get("/actuator/metrics/loky.tasks").get("availableTags");
        assertThat(tags.toString()).contains("success", "error", "crash", "timeout", "cancelled").doesNotContain("pid");
    }

    @Test
    void failedFireAndForgetCallsAreCounted() throws Exception {
        double before = metric("loky.tasks.uncaught", null, "COUNT");
        double errors = metric("loky.tasks", "outcome:error", "COUNT");
        service.failLater("nobody waits for me");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(metric("loky.tasks.uncaught", null, "COUNT")).isEqualTo(before + 1);
            assertThat(metric("loky.tasks", "outcome:error", "COUNT")).isEqualTo(errors + 1);
        });
    }

    @Test
    void killMinusNineOfAWorkerCountsACrashAndACrashRestart() throws Exception {
        long pid = service.pid();
        double crashes = metric("loky.worker.crashes", null, "COUNT");
        double restarts = metric("loky.worker.restarts", "reason:crash", "COUNT");
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(metric("loky.worker.crashes", null, "COUNT")).isEqualTo(crashes + 1);
            assertThat(metric("loky.worker.restarts", "reason:crash", "COUNT")).isEqualTo(restarts + 1);
        });
        assertThat(service.pid()).as("served by a replacement").isNotEqualTo(pid);
        JsonNode pool = get("/actuator/loky");
        assertThat(pool.get("counters").get("crashes").asLong()).isEqualTo((long) crashes + 1);
        assertThat(pool.get("workers").get(0).get("lastRestartReason").asString()).isEqualTo("crash");
    }

    @Test
    void aLeakingMethodGetsItsWorkerRecycledAndNoCallFails() throws Exception {
        double leaks = metric("loky.worker.restarts", "reason:memory-leak", "COUNT");
        double failures = metric("loky.tasks", "outcome:error", "COUNT") + metric("loky.tasks", "outcome:crash", "COUNT");
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 30 && metric("loky.worker.restarts", "reason:memory-leak", "COUNT") == leaks; i++) {
            pids.add(service.leak(10)); // every call returns: none fails
        }
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(metric("loky.worker.restarts", "reason:memory-leak", "COUNT")).isEqualTo(leaks + 1));
        long first = pids.get(0);
        int recycledAfter = (int) pids.stream().takeWhile(p -> p == first).count();
        // the reference is taken after the first call; more than 50 MB over it takes 5 more calls of 10 MB (plus the JVM's own growth)
        log.info("the leaking worker served {} calls of 10 MB before it was recycled", recycledAfter);
        assertThat(recycledAfter).as("calls served by the leaking worker (pids %s)", pids).isBetween(5, 12);
        assertThat(service.pid()).as("the next call goes to a fresh worker").isNotEqualTo(first);
        assertThat(metric("loky.tasks", "outcome:error", "COUNT") + metric("loky.tasks", "outcome:crash", "COUNT")).isEqualTo(failures);
        assertThat(get("/actuator/loky").get("counters").get("restarts").get("memory-leak").asLong()).isEqualTo((long) leaks + 1);
    }

    @Test
    void aGarbageHeavyMethodNeverCountsAsALeak() throws Exception {
        double leaks = metric("loky.worker.restarts", "reason:memory-leak", "COUNT");
        List<Long> pids = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            pids.add(service.garbage(1024)); // 1 GB of short-lived garbage per call
        }
        JsonNode worker = get("/actuator/loky").get("workers").get(0);
        log.info("10 calls of 1 GB garbage took {} ms; the worker's RSS after them: {} MB, heap used {} MB",
                (System.nanoTime() - started) / 1_000_000, worker.get("rssBytes").asLong() >> 20, worker.get("heapUsedBytes").asLong() >> 20);
        assertThat(new HashSet<>(pids)).as("one worker served all 10 calls").hasSize(1);
        assertThat(metric("loky.worker.restarts", "reason:memory-leak", "COUNT")).isEqualTo(leaks);
    }

    @Test
    void theWriteOperationResizesThePool() throws Exception {
        HttpResponse<String> resized = post("/actuator/loky", "{\"maxWorkers\": 3}");
        assertThat(resized.statusCode()).isEqualTo(200);
        assertThat(json.readTree(resized.body()).get("maxWorkers").asInt()).isEqualTo(3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(metric("loky.pool.max", null, "VALUE")).isEqualTo(3));
        assertThat(get("/actuator/health/loky").get("details").get("maxWorkers").asInt()).isEqualTo(3);
        assertThat(post("/actuator/loky", "{\"maxWorkers\": 0}").statusCode()).isEqualTo(400);
        HttpResponse<String> tooMany = post("/actuator/loky", "{\"maxWorkers\": 500}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("above the pool's limit of 4");
        assertThat(get("/actuator/loky").get("maxWorkers").asInt()).isEqualTo(3);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One statistic of a meter from {@code /actuator/metrics/{name}}, optionally for one tag ({@code key:value}). */
    private double metric(String name, String tag, String statistic) throws IOException, InterruptedException {
        JsonNode meter = get("/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag));
        for (JsonNode measurement : meter.get("measurements")) {
            if (measurement.get("statistic").asString().equals(statistic)) {
                return measurement.get("value").asDouble();
            }
        }
        throw new AssertionError(name + " has no " + statistic + ": " + meter);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
