package dev.loky.spring.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A {@code @ProcessAsync} call is an observation {@code loky.call}; its trace context and the caller's
 * MDC travel into the worker JVM, whose span is a child of the caller's (real worker JVM, Micrometer
 * Tracing's test tracer on both sides).
 */
@SpringBootTest(classes = TracingApplication.class,
        properties = {"loky.max-workers=1", "loky.worker.startup-cache=off", "loky.memory.leak-protection=false"})
class TracingTests {

    @Autowired
    TracingApplication.TracedService service;

    @Autowired
    SimpleTracer tracer;

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void theWorkersSpanIsAChildOfTheCallersAndTheMdcTravels() {
        MDC.put("requestId", "r-42");

        List<String> seen = service.traceSeenByTheWorker();

        assertThat(Long.parseLong(seen.get(0))).as("ran in a worker JVM").isNotEqualTo(ProcessHandle.current().pid());
        SimpleSpan caller = tracer.getSpans().stream()
                .filter(s -> "@ProcessAsync TracedService.traceSeenByTheWorker".equals(s.getName())).reduce((a, b) -> b).orElseThrow();
        assertThat(seen.get(1)).as("the worker's trace id").isEqualTo(caller.getTraceId());
        assertThat(seen.get(2)).as("the worker span's parent").isEqualTo(caller.getSpanId());
        assertThat(seen.get(3)).as("the caller's MDC in the worker").isEqualTo("r-42");
        assertThat(caller.getTags()).containsEntry("bean.class", TracingApplication.TracedService.class.getName())
                .containsEntry("method", "traceSeenByTheWorker").containsEntry("outcome", "success");
        assertThat(MDC.get("requestId")).as("the caller's MDC is untouched").isEqualTo("r-42");
    }
}
