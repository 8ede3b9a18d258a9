package dev.loky.spring.tracelog;

import brave.Tracing;
import brave.context.slf4j.MDCScopeDecorator;
import brave.propagation.ThreadLocalCurrentTraceContext;
import dev.loky.spring.ProcessAsync;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/**
 * Booted by {@link WorkerLogTraceIdTests} in the test JVM and in the worker JVM: a real tracer
 * (Brave, through Micrometer Tracing's bridge) whose scopes put {@code traceId} and {@code spanId}
 * into the SLF4J MDC, as Spring Boot's own Brave auto-configuration does, behind the
 * {@code ObservationRegistry}; B3 propagation.
 */
@SpringBootApplication
public class TraceLogApplication {

    @Bean(destroyMethod = "close")
    Tracing braveTracing() {
        return Tracing.newBuilder().localServiceName("trace-log")
                .currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder().addScopeDecorator(MDCScopeDecorator.get()).build())
                .build();
    }

    @Bean
    BraveTracer tracer(Tracing tracing) {
        return new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()), new BraveBaggageManager());
    }

    @Bean
    ObservationRegistry observationRegistry(Tracing tracing, BraveTracer tracer) {
        ObservationRegistry registry = ObservationRegistry.create();
        BravePropagator propagator = new BravePropagator(tracing);
        registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer)));
        return registry;
    }

    @Service
    public static class LoggingService {

        private static final Logger log = LoggerFactory.getLogger(LoggingService.class);

        private final Tracer tracer;

        LoggingService(Tracer tracer) {
            this.tracer = tracer;
        }

        /** Logs one line in the worker (the parent forwards the worker's output to its log); its pid. */
        @ProcessAsync
        public long logInWorker(String marker) {
            log.info("worker-side line {}", marker);
            return ProcessHandle.current().pid();
        }
    }
}
