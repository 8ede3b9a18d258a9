package dev.loky.spring.invocation;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The Micrometer side of {@link CallContext}; loaded only when Micrometer Observation is present.
 * In the caller each call is an observation {@code loky.call} (low-cardinality tags
 * {@code bean.class}, {@code method}, {@code outcome}) whose {@link SenderContext} lets a tracer
 * write its propagation headers into the call's carrier; in the worker a {@link ReceiverContext}
 * observation {@code loky.call.worker} reads them back, so a tracer makes the worker's span a child of
 * the caller's.
 */
final class CallObservations {

    static final String NAME = "loky.call";

    private CallObservations() {
    }

    /** Started in the caller; {@code null} when there is no registry. Thread-safe (one per call). */
    static Observation start(Object registryOrNull, ProcessAsyncMethod method, Map<String, String> carrier) {
        if (!(registryOrNull instanceof ObservationRegistry registry) || registry.isNoop()) {
            return null;
        }
        SenderContext<Map<String, String>> context = new SenderContext<>((map, key, value) -> map.put(key, value));
        context.setCarrier(carrier);
        context.setRemoteServiceName("loky-worker");
        Observation observation = Observation.createNotStarted(NAME, () -> context, registry)
                .contextualName("@ProcessAsync " + method.targetClass().getSimpleName() + "." + method.method().getName())
                .lowCardinalityKeyValues(KeyValues.of("bean.class", method.targetClass().getName(), "method", method.method().getName()));
        return observation.start();
    }

    /** Ends a caller-side observation with the call's outcome. */
    static void stop(Object observationOrNull, Throwable error) {
        if (observationOrNull instanceof Observation observation) {
            observation.lowCardinalityKeyValue("outcome", error == null ? "success" : "error");
            if (error != null) {
                observation.error(error);
            }
            observation.stop();
        }
    }

    /** The context's unique {@code ObservationRegistry}, or {@code null}. */
    static Object registry(ListableBeanFactory beanFactory) {
        return beanFactory.getBeanProvider(ObservationRegistry.class).getIfUnique();
    }

    static <T> T inWorker(BeanFactory beanFactory, Map<String, String> carrier, ProcessAsyncCall call, Callable<T> work) throws Exception {
        ObservationRegistry registry = beanFactory instanceof ListableBeanFactory listable
                ? listable.getBeanProvider(ObservationRegistry.class).getIfUnique() : null;
        if (registry == null || registry.isNoop()) {
            return work.call();
        }
        ReceiverContext<Map<String, String>> context = new ReceiverContext<>((map, key) -> map.get(key));
        context.setCarrier(carrier);
        Observation observation = Observation.createNotStarted(NAME + ".worker", () -> context, registry)
                .contextualName("@ProcessAsync " + call.methodName() + " in worker")
                .lowCardinalityKeyValues(KeyValues.of("bean.class", call.targetClassName(), "method", call.methodName()))
                .start();
        try (Observation.Scope scope = observation.openScope()) {
            return work.call();
        } catch (Exception | Error e) {
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }
}
