package dev.loky.internal.worker;

import dev.loky.AfterReadyWarmUp;
import dev.loky.RemoteRunnable;
import dev.loky.internal.protocol.WorkerInit;

import java.io.PrintStream;

/**
 * When the pool's initializer's {@link AfterReadyWarmUp} runs in this worker: on a thread of its
 * own right after READY (never counted against the start-up timeout; tasks run beside it, and a
 * task that needs what it creates waits for it in the initializer's own code), or, in a worker that
 * records a start-up cache ({@link WorkerInit#RECORDING_PROPERTY}), before READY, since the pool
 * retires a recorder at ready and what the warm-up loads belongs in its cache. Stateless.
 */
final class InitializerWarmUp {

    private InitializerWarmUp() {
    }

    /**
     * Right after the initializer ran: runs its warm-up now in a recorder.
     *
     * @return the warm-up still to run after READY, or {@code null}
     */
    static AfterReadyWarmUp beforeReady(RemoteRunnable initializer) {
        if (!(initializer instanceof AfterReadyWarmUp warmUp)) {
            return null;
        }
        if (Boolean.getBoolean(WorkerInit.RECORDING_PROPERTY)) {
            warmUp.warmUp();
            return null;
        }
        return warmUp;
    }

    /** After READY: runs {@code warmUp} on a daemon thread with the caller's context class loader, then {@code then}. */
    static void afterReady(AfterReadyWarmUp warmUp, PrintStream log, Runnable then) {
        Thread warming = new Thread(() -> {
            try {
                warmUp.warmUp();
            } catch (Throwable t) {
                log.println("loky worker: the initializer's warm-up after ready failed (the worker stays ready): " + t);
            } finally {
                then.run();
            }
        }, "loky-warm-up");
        warming.setContextClassLoader(Thread.currentThread().getContextClassLoader()); // the initializer's
        warming.setDaemon(true);
        warming.start();
    }
}
