package dev.loky.spring.invocation;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.ClassUtils;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What travels with a {@code @ProcessAsync} call besides its arguments: the caller's MDC and its
 * trace context, as plain string entries ({@code mdc.<key>} for MDC entries; the trace propagation
 * headers, e.g. {@code traceparent}, as the tracer writes them). Both are optional: without SLF4J
 * there is no MDC, and without Micrometer Observation on the classpath (or without an
 * {@code ObservationRegistry} bean) there is no {@code loky.call} observation and no trace context;
 * the classes that use them are only loaded when they are present.
 */
final class CallContext {

    static final String MDC_PREFIX = "mdc.";
    private static final boolean SLF4J = ClassUtils.isPresent("org.slf4j.MDC", CallContext.class.getClassLoader());
    static final boolean OBSERVATION = ClassUtils.isPresent("io.micrometer.observation.ObservationRegistry", CallContext.class.getClassLoader());

    private CallContext() {
    }

    /** The caller's MDC, to be sent with the call (the trace headers are added by the observation). */
    static Map<String, String> capture() {
        Map<String, String> carrier = new HashMap<>();
        if (SLF4J) {
            Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
            if (mdc != null) {
                mdc.forEach((key, value) -> carrier.put(MDC_PREFIX + key, value));
            }
        }
        return carrier;
    }

    /**
     * Runs {@code call} in the worker with the caller's MDC in place and, when the worker's context
     * has an {@code ObservationRegistry}, inside an observation that continues the caller's trace (so
     * log lines and spans made by the call carry the caller's trace id). The worker's MDC is restored after.
     */
    static <T> T restore(Map<String, String> carrier, BeanFactory beanFactory, ProcessAsyncCall call, Callable<T> work) throws Exception {
        if (carrier == null || carrier.isEmpty()) {
            return work.call();
        }
        Map<String, String> previous = SLF4J ? org.slf4j.MDC.getCopyOfContextMap() : null;
        if (SLF4J) {
            carrier.forEach((key, value) -> {
                if (key.startsWith(MDC_PREFIX)) {
                    org.slf4j.MDC.put(key.substring(MDC_PREFIX.length()), value);
                }
            });
        }
        try {
            return OBSERVATION ? CallObservations.inWorker(beanFactory, carrier, call, work) : work.call();
        } finally {
            if (SLF4J) {
                if (previous == null) {
                    org.slf4j.MDC.clear();
                } else {
                    org.slf4j.MDC.setContextMap(previous);
                }
            }
        }
    }
}
