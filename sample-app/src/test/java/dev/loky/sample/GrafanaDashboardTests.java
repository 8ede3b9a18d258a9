package dev.loky.sample;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard cannot drift from the code: every metric name that one of its queries uses
 * appears in the sample's {@code /actuator/prometheus} output.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class GrafanaDashboardTests {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "loky-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\bloky_[a-z_]+\\b");

    @LocalServerPort
    int port;

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        Set<String> used = new TreeSet<>();
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asString();
                expressions.add(expr);
                Matcher m = METRIC.matcher(expr);
                while (m.find()) {
                    used.add(m.group());
                }
            }
        }
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);
        assertThat(used).contains("loky_pool_size", "loky_pool_busy", "loky_tasks_queued", "loky_tasks_seconds_count",
                "loky_worker_crashes_total", "loky_worker_restarts_total", "loky_worker_startup_seconds_count");

        SampleHttp http = new SampleHttp(port);
        HttpResponse<String> task = http.get("/whoami"); // a task, so the timers have samples
        assertThat(task.statusCode()).as(task.body()).isEqualTo(200);
        HttpResponse<String> scrape = http.get("/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        Set<String> exported = new TreeSet<>();
        for (String line : scrape.body().split("\n")) {
            if (!line.startsWith("#") && line.startsWith("loky_")) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }
        assertThat(exported).as("/actuator/prometheus").containsAll(used);
    }
}
