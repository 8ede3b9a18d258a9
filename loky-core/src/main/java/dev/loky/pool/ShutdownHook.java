package dev.loky.pool;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One JVM shutdown hook for every live pool: when the parent exits, its workers go too (they would
 * exit by themselves on end-of-file within a second, but a hook leaves nothing to chance).
 */
final class ShutdownHook {

    /** How long the hook lets pools finish gracefully before it kills their workers. */
    private static final Duration GRACE = Duration.ofSeconds(3);

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

    /**
     * Gives every pool a short graceful shutdown (an application's own shutdown hook, e.g. Spring's
     * context close, may be closing it right now, and workers that exit cleanly can write their
     * startup cache), then kills what is left.
     */
    private static void killAll() {
        List<ProcessPool> pools;
        synchronized (ShutdownHook.class) {
            pools = List.copyOf(POOLS);
        }
        pools.forEach(ProcessPool::shutdown);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessPool pool : pools) {
            try {
                pool.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (ProcessPool pool : pools) {
            pool.shutdownNow();
        }
    }
}
