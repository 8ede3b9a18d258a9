package dev.loky.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
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
 * <p>Security: Hazelcast open source has no authentication, so any process that reaches a member's
 * port with the right cluster name joins as a member or a client. Every loky message is therefore
 * sealed with a key derived from the cluster secret (AES-GCM, a fresh nonce, sender, recipient,
 * purpose and time authenticated, calls never accepted twice); without the secret a member or
 * client cannot run a call, read a payload, forge an answer or steer routing. Still bind Hazelcast
 * to loopback or a private interface, and see {@code docs/cluster.md}.
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

    /** The system property (or, upper-cased with underscores, environment variable) the secret-less factories read. */
    public static final String SECRET_PROPERTY = "loky.cluster.secret";

    /**
     * A cluster executor with {@link Routing#LOCAL_FIRST} routing, keyed by the secret in the system
     * property {@value #SECRET_PROPERTY} or the environment variable {@code LOKY_CLUSTER_SECRET}.
     *
     * @throws IllegalArgumentException when neither holds a secret of at least 32 bytes (base64 or hex)
     */
    public static ProcessExecutor create(HazelcastInstance instance, PoolConfig config) {
        return create(instance, config, Routing.LOCAL_FIRST);
    }

    /** As {@link #create(HazelcastInstance, PoolConfig)}, with this routing. */
    public static ProcessExecutor create(HazelcastInstance instance, PoolConfig config, Routing routing) {
        String secret = System.getProperty(SECRET_PROPERTY, System.getenv("LOKY_CLUSTER_SECRET"));
        return create(instance, config, routing, secret);
    }

    /** A cluster executor with {@link Routing#LOCAL_FIRST} routing and this secret. */
    public static ProcessExecutor create(HazelcastInstance instance, PoolConfig config, String secret) {
        return create(instance, config, Routing.LOCAL_FIRST, secret);
    }

    /**
     * A cluster executor over {@code instance}, with a local pool built from {@code config}.
     *
     * @param secret the cluster's shared secret, base64 or hex, at least 32 bytes: every member
     *        derives from it the key that authenticates and encrypts every loky message (calls,
     *        answers, load entries, snapshots); a message that does not verify is dropped unread
     * @throws IllegalArgumentException if the secret is missing or shorter than 32 bytes
     * @throws IllegalStateException if {@code instance} already has one (one per member)
     */
    public static ProcessExecutor create(HazelcastInstance instance, PoolConfig config, Routing routing, String secret) {
        Objects.requireNonNull(instance, "instance must not be null");
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(routing, "routing must not be null");
        byte[] key = ClusterSeal.parseSecret(secret);
        if (!instance.getLifecycleService().isRunning()) {
            throw new IllegalStateException("the HazelcastInstance '" + instance.getName() + "' is not running; start it before creating a cluster executor");
        }
        return new ClusterProcessExecutor(instance, config, routing, key);
    }

    /**
     * Checks a cluster secret as {@link #create(HazelcastInstance, PoolConfig, Routing, String)} does.
     *
     * @throws IllegalArgumentException saying what is wrong and how to make a good one
     */
    public static void checkSecret(String secret) {
        ClusterSeal.parseSecret(secret);
    }

    /**
     * Puts Hazelcast's own Java deserialization under an allow-list that admits loky's cluster
     * messages (added to an allow-list the configuration already has; Hazelcast's default deny-list
     * stays on). Call it on the {@link Config} of every member before the instance starts (the Spring
     * auto-configuration does); an application that stores Java-serialized objects of its own in
     * Hazelcast adds their classes or packages to the same allow-list.
     *
     * @return {@code config}
     */
    public static Config restrictJavaSerialization(Config config) {
        JavaSerializationFilterConfig filter = config.getSerializationConfig().getJavaSerializationFilterConfig();
        if (filter == null) {
            filter = new JavaSerializationFilterConfig();
            config.getSerializationConfig().setJavaSerializationFilterConfig(filter);
        }
        filter.getWhitelist().addClasses(RunTask.class.getName(), RunTask.Sealed.class.getName(), SnapshotTask.class.getName(),
                "[B", "java.lang.String", "java.lang.Long", "java.lang.Integer", "java.lang.Number", "java.lang.Boolean",
                "java.util.UUID");
        return config;
    }

    /** Cluster messages {@code executor}'s member refused since it started: they did not verify with the secret. */
    public static long rejectedMessages(ProcessExecutor executor) {
        if (!(executor instanceof ClusterProcessExecutor cluster)) {
            throw new IllegalArgumentException("not a cluster executor (create one with ClusterExecutors.create): " + executor);
        }
        return cluster.rejectedMessages();
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
