package dev.loky.spring.invocation;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link CallTarget}s of this JVM: in a worker, the one of its slim context; in the caller's
 * JVM, one per application context whose pool runs tasks on threads ({@code loky.start-method=threads}).
 */
final class CallTargets {

    private static final Map<String, CallTarget> IN_PROCESS = new ConcurrentHashMap<>();
    private static volatile CallTarget worker;

    private CallTargets() {
    }

    /** Sets the worker's call target, once its slim context is ready ({@link WorkerCalls#serve}). */
    static void setWorker(CallTarget target) {
        worker = target;
    }

    /** The worker's call target. */
    static CallTarget worker() {
        CallTarget target = worker;
        if (target == null) {
            throw new IllegalStateException("This worker JVM has no Spring context to run @ProcessAsync calls in: its pool was not built by "
                    + "loky's Spring auto-configuration, or loky.worker.sources is empty and no @SpringBootConfiguration class was found.");
        }
        return target;
    }

    static String registerInProcess(CallTarget target) {
        String key = UUID.randomUUID().toString();
        IN_PROCESS.put(key, target);
        return key;
    }

    static void unregisterInProcess(String key) {
        IN_PROCESS.remove(key);
    }

    static CallTarget inProcess(String key) {
        CallTarget target = IN_PROCESS.get(key);
        if (target == null) {
            throw new IllegalStateException("The application context that made this @ProcessAsync call is closed");
        }
        return target;
    }
}
