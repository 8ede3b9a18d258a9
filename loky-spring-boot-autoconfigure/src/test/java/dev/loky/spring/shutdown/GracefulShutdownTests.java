package dev.loky.spring.shutdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy loses no work: {@link GracefulShutdownApplication} runs as its own JVM (the test
 * classpath, {@code server.shutdown=graceful}), an HTTP request waits for a {@code @ProcessAsync}
 * call of a few seconds, and the test sends the application a real SIGTERM (what Kubernetes,
 * {@code docker stop} and systemd send). Real worker JVM, real signal, real HTTP.
 */
class GracefulShutdownTests {

    private static final Pattern PORT = Pattern.compile("^PORT (\\d+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    private Process app;
    private long worker;

    @AfterEach
    void cleanUp() {
        if (app != null) {
            app.destroyForcibly();
        }
        if (worker != 0) {
            ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void sigtermDrainsARunningCallAndItsResponseReachesTheClient() throws Exception {
        Path log = start("--loky.shutdown-timeout=30s");
        HttpClient http = HttpClient.newHttpClient();
        int port = port(log);
        worker = Long.parseLong(get(http, port, "/pid").join().body());
        CompletableFuture<HttpResponse<String>> call = get(http, port, "/sleep?millis=4000");
        awaitLine(log, "SLEEP STARTED in " + worker);

        long sigterm = System.nanoTime();
        signal("TERM", app.pid());
        HttpResponse<String> response = call.get(60, TimeUnit.SECONDS);
        long answered = System.nanoTime();
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("the application exited; log:%n%s", read(log)).isTrue();
        long exited = System.nanoTime();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("slept 4000 ms in " + worker);
        assertThat(app.exitValue()).as("exit code; log:%n%s", read(log)).isIn(0, 143);
        awaitGone(worker);
        System.out.printf("SIGTERM drain: response %d ms after SIGTERM, application exited after %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(answered - sigterm), TimeUnit.NANOSECONDS.toMillis(exited - sigterm));
    }

    @Test
    void aCallLongerThanTheShutdownTimeoutFailsWithTerminatedWorkerExceptionAndLeavesNoOrphan() throws Exception {
        Path log = start("--loky.shutdown-timeout=1s", "--spring.lifecycle.timeout-per-shutdown-phase=2s");
        HttpClient http = HttpClient.newHttpClient();
        int port = port(log);
        worker = Long.parseLong(get(http, port, "/pid").join().body());
        CompletableFuture<HttpResponse<String>> call = get(http, port, "/sleep?millis=120000");
        awaitLine(log, "SLEEP STARTED in " + worker);

        signal("TERM", app.pid());
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("the application exited; log:%n%s", read(log)).isTrue();

        assertThat(read(log)).contains("CALL FAILED dev.loky.TerminatedWorkerException: worker 1 (pid " + worker + ")")
                .contains("loky tasks still running after loky.shutdown-timeout (PT1S): killing their workers");
        // the response is written while the web server still runs, but it may lose the race with its stop
        Optional<HttpResponse<String>> response = Optional.ofNullable(call.handle((r, e) -> r).get(10, TimeUnit.SECONDS));
        response.ifPresent(r -> assertThat(r.body()).contains("TerminatedWorkerException"));
        awaitGone(worker);
    }

    private Path start(String... extraArguments) throws IOException {
        Path log = dir.resolve("app.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), GracefulShutdownApplication.class.getName(),
                "--server.port=0", "--server.shutdown=graceful", "--loky.max-workers=1",
                "--loky.worker.startup-cache=off", "--loky.memory.leak-protection=false"));
        command.addAll(List.of(extraArguments));
        app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return log;
    }

    private int port(Path log) {
        return await("the application to start").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    assertThat(app.isAlive()).as("the application is running; log:%n%s", read(log)).isTrue();
                    Matcher m = PORT.matcher(read(log));
                    return m.find() ? Integer.parseInt(m.group(1)) : null;
                }, p -> p != null);
    }

    private static CompletableFuture<HttpResponse<String>> get(HttpClient http, int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(180)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitLine(Path log, String text) {
        await(text).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> read(log).contains(text));
    }

    private static void awaitGone(long pid) {
        await("worker " + pid + " to be gone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        assertThat(kill.waitFor()).as(new String(kill.getInputStream().readAllBytes())).isZero();
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
