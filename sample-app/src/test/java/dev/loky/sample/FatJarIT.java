package dev.loky.sample;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the repackaged executable jar with {@code java -jar} (classes in nested jars) and checks
 * that a {@code @ProcessAsync} call is served by a worker JVM started from that jar.
 */
class FatJarIT {

    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Pattern PID = Pattern.compile("\"pid\":(\\d+)");

    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;

    @AfterEach
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void processAsyncCallIsServedByAWorkerOfTheFatJar() throws Exception {
        Path jar = Path.of(System.getProperty("fatJar", "target/sample-app-0.1.0-SNAPSHOT.jar"));
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toAbsolutePath().toString(), "--server.port=0", "--loky.max-workers=1",
                "--loky.prestart=false", "--sample.greeting=from the command line"));
        process = new ProcessBuilder(command).directory(jar.toAbsolutePath().getParent().toFile()).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                }
            } catch (Exception ignored) {
                // the process ended
            }
        }, "fat-jar-output");
        reader.setDaemon(true);
        reader.start();

        await().atMost(Duration.ofSeconds(90)).until(() -> port() > 0 || !process.isAlive());
        assertThat(process.isAlive()).as("the application runs; its output:%n%s", String.join("\n", output)).isTrue();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port() + "/whoami"))
                .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s%n%s", response.body(), String.join("\n", output)).isEqualTo(200);
        Matcher pid = PID.matcher(response.body());
        assertThat(pid.find()).as(response.body()).isTrue();
        long workerPid = Long.parseLong(pid.group(1));
        assertThat(workerPid).isNotEqualTo(process.pid());
        assertThat(response.body()).contains("\"worker\":true").contains("loky-worker").contains("from the command line");
        // the build ran loky's process-worker-aot (this module's pom): the worker booted from its output
        assertThat(response.body()).contains("\"springAot\":true");
        assertThat(output).anyMatch(line -> line.contains("Workers boot their Spring context from its AOT output"
                + " (dev.loky.sample.SampleApplication__LokyWorkerApplicationContextInitializer)"));

        HttpResponse<String> crash = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port() + "/misbehave/exit?code=7"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(crash.statusCode()).as(crash.body()).isEqualTo(502);
        assertThat(crash.body()).contains("exit code 7");

        process.destroy();
        assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(workerPid).map(h -> !h.isAlive()).orElse(true));
    }

    private int port() {
        for (String line : output) {
            Matcher matcher = PORT.matcher(line);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return -1;
    }

}
