package dev.loky.internal.pool;

import dev.loky.ProcessExecutor;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One JVM shutdown hook for the pools that no one else closes ({@link dev.loky.PoolConfig#closeOnJvmExit()}):
 * when the JVM exits (end of {@code main}, {@code System.exit}, SIGINT, SIGTERM), their workers go
 * too. Pools with an owner (a Spring application context) are never registered: the owner drains
 * them on its own schedule, and this hook killing their workers meanwhile would lose that work.
 *
 * <p>While the JVM exits nothing new can be waited for, so the hook starts no worker and drains
 * nothing: it fails what is left at once with an exception that says the JVM is exiting (see
 * {@link ProcessExecutor#abort(String)}; later submits are rejected with the same words), then kills the workers and waits up
 * to {@link #GRACE} for them to be gone. Workers ignore SIGINT, SIGTERM and SIGHUP aimed at their
 * process group, so it is this hook (or the parent's death) that ends them, never the signal.
 */
final class ShutdownHook {

    /** How long the hook waits for killed workers to be reaped. */
    private static final Duration GRACE = Duration.ofSeconds(3);

    private static final Set<ProcessExecutor> POOLS = Collections.newSetFromMap(new IdentityHashMap<>());
    private static boolean installed;

    private ShutdownHook() {
    }

    static synchronized void register(ProcessExecutor pool) {
        if (!installed) {
            Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHook::abortAll, "loky-shutdown"));
            installed = true;
        }
        POOLS.add(pool);
    }

    static synchronized void unregister(ProcessExecutor pool) {
        POOLS.remove(pool);
    }

    private static void abortAll() {
        List<ProcessExecutor> pools;
        synchronized (ShutdownHook.class) {
            pools = List.copyOf(POOLS);
        }
        for (ProcessExecutor pool : pools) {
            pool.abort("the loky pool '" + pool.config().name()
                    + "' is shutting down because the JVM is exiting (System.exit, end of main, SIGINT or SIGTERM)");
        }
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessExecutor pool : pools) {
            try {
                pool.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }
}
