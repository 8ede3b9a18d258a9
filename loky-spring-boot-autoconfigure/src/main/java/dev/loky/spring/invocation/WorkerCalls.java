package dev.loky.spring.invocation;

import dev.loky.internal.worker.WorkerMain;

import org.springframework.beans.factory.ListableBeanFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one door from a worker's slim context into this package: once the context is ready, the
 * worker serves the {@code @ProcessAsync} calls sent to it from there. Public only because the
 * worker package calls it (an architecture test keeps every other caller out); the registry
 * behind it ({@link CallTargets}) is not.
 */
public final class WorkerCalls {

    private WorkerCalls() {
    }

    /**
     * Serves this worker's calls from {@code beanFactory}, reading and writing them with {@code mapper}.
     *
     * @throws IllegalStateException outside a worker JVM: a caller's calls never run through this
     */
    public static void serve(ListableBeanFactory beanFactory, JsonMapper mapper) {
        if (!WorkerMain.isWorkerProcess()) {
            throw new IllegalStateException("Only a loky worker JVM (-D" + WorkerMain.WORKER_PROPERTY + "=true) serves @ProcessAsync calls "
                    + "from its slim context; in the caller's JVM the auto-configuration wires them.");
        }
        CallTargets.setWorker(new CallTarget(beanFactory, () -> mapper));
    }
}
