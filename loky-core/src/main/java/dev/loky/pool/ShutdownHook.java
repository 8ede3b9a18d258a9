package dev.loky.pool;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One JVM shutdown hook for every live pool: when the parent exits, its workers are killed at once
 * (they would exit by themselves on end-of-file within a second, but a hook leaves nothing to chance).
 */
final class ShutdownHook {

    private static final Set<ProcessPool> POOLS = Collections.newSetFromMap(new IdentityHashMap<>());
    private static boolean installed;

    private ShutdownHook() {
    }

    static synchronized void register(ProcessPool pool) {
        if (!installed) {
            Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHook::killAll, "loky-shutdown"));
            installed = true;
        }
        POOLS.add(pool);
    }

    static synchronized void unregister(ProcessPool pool) {
        POOLS.remove(pool);
    }

    private static void killAll() {
        List<ProcessPool> pools;
        synchronized (ShutdownHook.class) {
            pools = List.copyOf(POOLS);
        }
        for (ProcessPool pool : pools) {
            pool.shutdownNow();
        }
    }
}
