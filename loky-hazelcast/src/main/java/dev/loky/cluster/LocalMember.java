package dev.loky.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.loky.ProcessExecutor;
import dev.loky.RemoteCallable;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This member's own worker pool, as the tasks that other members send here find it: a registry keyed
 * by the Hazelcast member's UUID (several members may live in one JVM, as in tests).
 *
 * <p>Thread-safe: {@link #active} counts every call running or queued in the local pool, whether it
 * was routed here by this member or by another one; routing reads it without locking.
 */
final class LocalMember {

    private static final Map<UUID, LocalMember> MEMBERS = new ConcurrentHashMap<>();

    private final UUID uuid;
    private final ProcessExecutor pool;
    private final ClusterSeal seal;
    private final AtomicInteger active = new AtomicInteger();
    private volatile int maxWorkers;

    private LocalMember(UUID uuid, ProcessExecutor pool, ClusterSeal seal) {
        this.uuid = uuid;
        this.pool = pool;
        this.seal = seal;
        this.maxWorkers = pool.config().maxWorkers();
    }

    static LocalMember register(HazelcastInstance instance, ProcessExecutor pool, ClusterSeal seal) {
        LocalMember member = new LocalMember(uuid(instance), pool, seal);
        LocalMember previous = MEMBERS.putIfAbsent(member.uuid, member);
        if (previous != null) {
            throw new IllegalStateException("Hazelcast member " + instance.getName()
                    + " already has a loky cluster executor; create one ClusterExecutors executor per HazelcastInstance");
        }
        return member;
    }

    /** Works after the instance stopped, too. */
    static void unregister(LocalMember member) {
        MEMBERS.remove(member.uuid, member);
    }

    /** The pool of the member {@code instance}, or {@code null} if it runs no loky cluster executor. */
    static LocalMember of(HazelcastInstance instance) {
        return MEMBERS.get(uuid(instance));
    }

    private static UUID uuid(HazelcastInstance instance) {
        return instance.getCluster().getLocalMember().getUuid();
    }

    ProcessExecutor pool() {
        return pool;
    }

    /** This member's UUID in the cluster. */
    UUID uuid() {
        return uuid;
    }

    /** Seals and opens this member's cluster messages with the cluster secret. */
    ClusterSeal seal() {
        return seal;
    }

    /** The pool's size, as last resized. */
    int maxWorkers() {
        return maxWorkers;
    }

    void resize(int maxWorkers) {
        pool.resize(maxWorkers);
        this.maxWorkers = maxWorkers;
    }

    /** Calls running or waiting in this member's pool. */
    int active() {
        return active.get();
    }

    /** Runs {@code task} in this member's pool, counted in {@link #active()} until it completes. */
    <T> CompletableFuture<T> submit(RemoteCallable<T> task, Duration timeout) {
        active.incrementAndGet();
        CompletableFuture<T> future;
        try {
            future = pool.submit(task, timeout);
        } catch (RuntimeException e) {
            active.decrementAndGet();
            throw e;
        }
        future.whenComplete((value, error) -> active.decrementAndGet());
        return future;
    }
}
