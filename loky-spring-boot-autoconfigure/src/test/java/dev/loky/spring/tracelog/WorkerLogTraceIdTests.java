package dev.loky.spring.tracelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * docs/observability.md: the worker's own log lines carry the caller's
 * trace id. A real tracer (Brave, which puts {@code traceId}/{@code spanId} into the MDC of whatever
 * thread has a span in scope) on both sides, a real worker JVM that logs through Logback with a
 * pattern printing those MDC keys, and the parent's log, where loky forwards the worker's output
 * prefixed with the worker's pid: the worker's line must show the caller's trace id, under a span of
 * its own (the worker's observation is a child of the caller's, not a copy of the caller's MDC).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TraceLogApplication.class, properties = {"loky.max-workers=1", "loky.worker.startup-cache=off",
        "loky.memory.leak-protection=false", "logging.pattern.correlation=[trace=%X{traceId:-none} span=%X{spanId:-none}] "})
class WorkerLogTraceIdTests {

    private static final Pattern CORRELATION = Pattern.compile("\\[trace=(\\S+) span=(\\S+)\\]");

    @Autowired
    TraceLogApplication.LoggingService service;

    @Autowired
    Tracer tracer;

    @Test
    void theWorkersLogLineCarriesTheCallersTraceId(CapturedOutput output) {
        String marker = UUID.randomUUID().toString();
        Span caller = tracer.nextSpan().name("caller").start();
        long workerPid;
        try (Tracer.SpanInScope scope = tracer.withSpan(caller)) {
            workerPid = service.logInWorker(marker);
        } finally {
            caller.end();
        }
        assertThat(workerPid).as("ran in a worker JVM").isNotEqualTo(ProcessHandle.current().pid());

        // the worker's stderr reaches the parent's log asynchronously (a drain thread per worker)
        String line = await().atMost(Duration.ofSeconds(30)).until(() -> workerLine(output.toString(), marker), Optional::isPresent).orElseThrow();

        assertThat(line).as("forwarded from the worker's output").contains("pid " + workerPid + "]");
        Matcher correlation = CORRELATION.matcher(line.substring(line.indexOf("pid " + workerPid + "]")));
        assertThat(correlation.find()).as("the worker's own log pattern in: " + line).isTrue();
        assertThat(correlation.group(1)).as("trace id in the worker's line: " + line).isEqualTo(caller.context().traceId());
        assertThat(correlation.group(2)).as("the worker's line is logged under the worker's own span: " + line)
                .isNotEqualTo("none").isNotEqualTo(caller.context().spanId());
    }

    private static Optional<String> workerLine(String output, String marker) {
        return output.lines().filter(l -> l.contains("worker-side line " + marker)).findFirst();
    }
}
