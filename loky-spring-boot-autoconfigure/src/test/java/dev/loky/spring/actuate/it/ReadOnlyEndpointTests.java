package dev.loky.spring.actuate.it;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code loky} endpoint's write operation is off unless the user grants it: with the endpoint
 * exposed over HTTP and nothing else said, a {@code POST {"maxWorkers":500}} resizes nothing (before,
 * one such request started hundreds of worker JVMs on the sample). Threads, so no worker JVM is needed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "loky.start-method=threads", "loky.max-workers=1", "management.endpoints.web.exposure.include=health,loky"})
class ReadOnlyEndpointTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void readingIsOpenAndResizingIsNot() throws Exception {
        HttpResponse<String> read = send(HttpRequest.newBuilder(uri()).GET());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("\"maxWorkers\":1");
        HttpResponse<String> write = send(HttpRequest.newBuilder(uri()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"maxWorkers\": 500}")));
        assertThat(write.statusCode()).isGreaterThanOrEqualTo(400);
        assertThat(send(HttpRequest.newBuilder(uri()).GET()).body()).contains("\"maxWorkers\":1");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri() {
        return URI.create("http://localhost:" + port + "/actuator/loky");
    }
}
