package dev.loky.spring.tracing;

import java.util.List;

import dev.loky.spring.ProcessAsync;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/**
 * Booted by {@link TracingTests} in the test JVM and in the worker JVM: both have Micrometer
 * Tracing's test tracer behind their {@code ObservationRegistry}, with a two-header propagator.
 */
@SpringBootApplication
public class TracingApplication {

    @Bean
    SimpleTracer tracer() {
        return new SimpleTracer();
    }

    @Bean
    ObservationRegistry observationRegistry(SimpleTracer tracer) {
        ObservationRegistry registry = ObservationRegistry.create();
        Propagator propagator = new HeaderPropagator(tracer);
        registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer)));
        return registry;
    }

    @Service
    public static class TracedService {

        private final Tracer tracer;

        TracedService(Tracer tracer) {
            this.tracer = tracer;
        }

        /** In the worker: its current span's trace id and parent id, and the MDC entry the caller set. */
        @ProcessAsync
        public List<String> traceSeenByTheWorker() {
            Span span = tracer.currentSpan();
            return List.of(String.valueOf(ProcessHandle.current().pid()), span == null ? "no span" : span.context().traceId(),
                    span == null ? "no span" : String.valueOf(span.context().parentId()), String.valueOf(MDC.get("requestId")));
        }
    }

    /** Writes the trace and span ids as two headers; reads them back as the parent of a new span. */
    static final class HeaderPropagator implements Propagator {

        private final Tracer tracer;

        HeaderPropagator(Tracer tracer) {
            this.tracer = tracer;
        }

        @Override
        public List<String> fields() {
            return List.of("x-trace-id", "x-span-id");
        }

        @Override
        public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
            setter.set(carrier, "x-trace-id", context.traceId());
            setter.set(carrier, "x-span-id", context.spanId());
        }

        @Override
        public <C> Span.Builder extract(C carrier, Getter<C> getter) {
            String traceId = getter.get(carrier, "x-trace-id");
            String spanId = getter.get(carrier, "x-span-id");
            Span.Builder builder = tracer.spanBuilder();
            if (traceId != null && spanId != null) {
                builder.setParent(tracer.traceContextBuilder().traceId(traceId).spanId(spanId).sampled(true).build());
            }
            return builder;
        }
    }
}
