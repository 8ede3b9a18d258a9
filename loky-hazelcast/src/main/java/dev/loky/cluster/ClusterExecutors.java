package dev.loky.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Factories for {@link ProcessExecutor}s that spread calls over the members of a Hazelcast cluster.
 *
 * <p>Every member runs the same application and creates one such executor over its own
 * {@link HazelcastInstance}: it starts the member's local worker pool (from the {@link PoolConfig},
 * so crash isolation holds on every member), publishes that pool's load to the cluster about once a
 * second, and sends each call to a member chosen by the {@link Routing}. Calls to other members go
 * through Hazelcast's {@code IExecutorService} named {@code "loky"} (its pool size bounds the calls
 * a member accepts from others at once; 16 by default); tasks travel as bytes written by core's
 * serializer and are read on the member through core's deserialization filter.
 *
 * <p>A call held by a member that leaves the cluster (stops, crashes, becomes unreachable) fails with
 * {@link dev.loky.ClusterMemberLostException}; repeat it if it is safe to. {@code snapshot()} covers
 * the whole cluster, each worker naming its member; {@code resize}, {@code prestart} and
 * {@code shutdown} act on this member's pool. The caller owns the executor and must close it;
 * closing it leaves the {@code HazelcastInstance} running.
 *
 * <p>Security: any process that can join the cluster (reach a member's Hazelcast port with the
 * right cluster name) can submit work that members run. Bind Hazelcast to loopback or a private
 * interface and use its security settings; see {@code docs/cluster.md}.
 */
public final class ClusterExecutors {

    private ClusterExecutors() {
    }

    /** How a member is chosen for each call. */
    public enum Routing {
        /** This member while it has an idle worker; otherwise the least-loaded member. */
        LOCAL_FIRST,
        /** The member with the most idle workers; members that tie take turns. */
        LEAST_LOADED;

        /**
         * The routing named {@code local-first} or {@code least-loaded} (case and {@code _}/{@code -}
         * ignored).
         *
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Routing of(String name) {
            Objects.requireNonNull(name, "routing must not be null");
            String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Routing routing : values()) {
                if (routing.name().equals(normalized)) {
                    return routing;
                }
            }
            throw new IllegalArgumentException("unknown cluster routing '" + name + "'; use local-first or least-loaded");
        }
    }

    /**
     * One member of the cluster as this member sees it.
     *
     * @param name its Hazelcast endpoint, {@code host:port}
     * @param local whether it is this member
     * @param reachable whether it published its load within the last few seconds (a member that runs
     *        no loky cluster executor, or stopped answering, does not)
     * @param maxWorkers its pool's size
     * @param live its workers ready or busy
     * @param busy its workers running a task
     * @param queued tasks waiting in its pool
     */
    public record Member(String name, boolean local, boolean reachable, int maxWorkers, int live, int busy, int queued) {
    }

    /** A cluster executor with {@link Routing#LOCAL_FIRST} routing. */
    public static ProcessExecutor create(HazelcastInstance instance, PoolConfig config) {
        return create(instance, config, Routing.LOCAL_FIRST);
    }

    /**
     * A cluster executor over {@code instance}, with a local pool built from {@code config}.
     *
     * @throws IllegalStateException if {@code instance} already has one (one per member)
     */
    public static ProcessExecutor create(HazelcastInstance instance, PoolConfig config, Routing routing) {
        Objects.requireNonNull(instance, "instance must not be null");
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(routing, "routing must not be null");
        if (!instance.getLifecycleService().isRunning()) {
            throw new IllegalStateException("the HazelcastInstance '" + instance.getName() + "' is not running; start it before creating a cluster executor");
        }
        return new ClusterProcessExecutor(instance, config, routing);
    }

    /** Whether {@code executor} was created here. */
    public static boolean isCluster(ProcessExecutor executor) {
        return executor instanceof ClusterProcessExecutor;
    }

    /**
     * The cluster's members as {@code executor} sees them, this member included.
     *
     * @throws IllegalArgumentException if {@code executor} is not a cluster executor
     */
    public static List<Member> members(ProcessExecutor executor) {
        if (!(executor instanceof ClusterProcessExecutor cluster)) {
            throw new IllegalArgumentException("not a cluster executor (create one with ClusterExecutors.create): " + executor);
        }
        return cluster.members();
    }
}
