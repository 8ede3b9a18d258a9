package dev.loky.sample;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a client sees it: a real server on a random port, two real worker JVMs, every
 * endpoint called over HTTP, the misbehaving ones included, and the service healthy afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleServiceTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    SampleHttp http() {
        return new SampleHttp(port);
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    @Order(1)
    void whoAmIIsAWorker() {
        HttpResponse<String> response = http().get("/whoami");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode info = json(response);
        assertThat(info.get("worker").asBoolean()).isTrue();
        assertThat(info.get("pid").asLong()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(info.get("greeting").asString()).isEqualTo("Hello from the sample's configuration");
    }

    @Test
    @Order(2)
    void rendersAFractalInAWorker() {
        HttpResponse<byte[]> response = http().getBytes("/fractal.png?width=200&height=150&iterations=300");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.body()).startsWith(0x89, 'P', 'N', 'G');
        long pid = Long.parseLong(response.headers().firstValue("X-Worker-Pid").orElseThrow());
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
    }

    @Test
    @Order(3)
    void tilesRenderInParallelAndTheZoomStripIsAMap() {
        HttpResponse<String> tiles = http().get("/tiles?count=4");
        assertThat(tiles.statusCode()).as(tiles.body()).isEqualTo(200);
        assertThat(json(tiles).size()).isEqualTo(4);
        HttpResponse<byte[]> zoom = http().getBytes("/zoom.png?frames=6&size=64");
        assertThat(zoom.statusCode()).isEqualTo(200);
        assertThat(zoom.headers().firstValue("X-Frames")).hasValue("6");
        assertThat(zoom.body()).startsWith(0x89, 'P', 'N', 'G');
    }

    @Test
    @Order(4)
    void badArgumentsAreAProblem400() {
        HttpResponse<String> response = http().get("/fractal.png?width=0");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response).get("detail").asString()).contains("width and height must be between 1 and 4096");
    }

    @Test
    @Order(10)
    void systemExitIs502() {
        HttpResponse<String> response = http().post("/misbehave/exit?code=3");
        assertProblem(response, 502, "worker-died");
        assertThat(json(response).get("detail").asString()).contains("exit code 3");
    }

    @Test
    @Order(11)
    void nativeCrashIs502() {
        HttpResponse<String> response = http().post("/misbehave/segfault");
        assertProblem(response, 502, "worker-died");
    }

    @Test
    @Order(12)
    void hangPastTheTimeoutIs504() {
        long start = System.nanoTime();
        HttpResponse<String> response = http().post("/misbehave/hang?seconds=60");
        assertProblem(response, 504, "worker-timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(45));
    }

    @Test
    @Order(13)
    void outOfMemoryIs507() {
        long restartsBefore = restarts();
        HttpResponse<String> response = http().post("/misbehave/oom");
        assertProblem(response, 507, "worker-out-of-memory");
        // the worker goes away after answering: wait for its replacement before the next test
        await().atMost(Duration.ofSeconds(90)).until(() -> restarts() > restartsBefore
                && json(http().get("/actuator/loky")).get("liveWorkers").asInt() == 2);
    }

    long restarts() {
        long total = 0;
        for (JsonNode n : json(http().get("/actuator/loky")).get("counters").get("restarts")) {
            total += n.asLong();
        }
        return total;
    }

    @Test
    @Order(14)
    void aLeakingWorkerIsRecycled() {
        List<Long> pids = new ArrayList<>();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> leak = http().post("/misbehave/leak?mb=30");
            assertThat(leak.statusCode()).as(leak.body()).isEqualTo(200);
            pids.add(json(leak).get("workerPid").asLong());
            JsonNode restarts = json(http().get("/actuator/loky")).get("counters").get("restarts");
            return restarts.has("memory-leak") && restarts.get("memory-leak").asLong() >= 1;
        });
        assertThat(pids).isNotEmpty();
    }

    @Test
    @Order(15)
    void fireAndForgetIsAcceptedAndItsFailureCounted() {
        assertThat(http().post("/misbehave/fire-and-forget?message=oops").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                http().get("/actuator/metrics/loky.tasks.uncaught").body().contains("\"value\":1.0"));
    }

    @Test
    @Order(20)
    void serviceIsHealthyAfterwardsAndWorkersWereReplaced() {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode health = json(http().get("/actuator/health"));
            assertThat(health.get("status").asString()).isEqualTo("UP");
            JsonNode pool = json(http().get("/actuator/loky"));
            assertThat(pool.get("liveWorkers").asInt()).isEqualTo(2);
        });
        JsonNode pool = json(http().get("/actuator/loky"));
        assertThat(pool.get("counters").get("crashes").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(pool.get("counters").get("restarts").get("timeout").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(pool.get("recentFailures").size()).isGreaterThanOrEqualTo(3);
        assertThat(pool.get("slowCalls").size()).isGreaterThan(0);
        JsonNode worker = pool.get("workers").get(0);
        assertThat(worker.get("startupSeconds").asDouble()).isPositive();
        assertThat(worker.get("initSeconds").asDouble()).isPositive();
        // and it still does its job
        assertThat(http().get("/whoami").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(21)
    void poolAndActuatorLokyShowOneShape() {
        JsonNode pool = json(http().get("/pool"));
        JsonNode actuator = json(http().get("/actuator/loky"));
        List<String> poolFields = new ArrayList<>(pool.propertyNames());
        List<String> actuatorFields = new ArrayList<>(actuator.propertyNames());
        assertThat(poolFields).isEqualTo(actuatorFields);
        assertThat(pool.get("startMethod").asString()).isEqualTo(actuator.get("startMethod").asString()).isEqualTo("spawn");
    }

    static void assertProblem(HttpResponse<String> response, int status, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("reason").asString()).isEqualTo(reason);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }
}
