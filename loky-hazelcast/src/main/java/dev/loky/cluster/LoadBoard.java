package dev.loky.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import dev.loky.PoolSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The members' loads, as each publishes its own about once a second in a Hazelcast
 * {@link ReplicatedMap} (reads are local, so routing costs no network round trip). Each entry lives
 * {@value #TTL_SECONDS} seconds unless refreshed: a member that stops publishing drops out of routing
 * even before Hazelcast declares it gone.
 *
 * <p>Thread-safe: one daemon thread publishes; any thread reads.
 */
final class LoadBoard implements AutoCloseable {

    static final String MAP_NAME = "loky.cluster.load";
    static final int TTL_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(LoadBoard.class);

    /** Values are sealed load entries; typed {@code Object}: whoever joins the cluster may put anything there. */
    private final ReplicatedMap<Object, Object> loads;
    private final UUID self;
    private final LocalMember local;
    private final ScheduledExecutorService publisher;

    LoadBoard(HazelcastInstance instance, LocalMember local) {
        this.loads = instance.getReplicatedMap(MAP_NAME);
        this.self = instance.getCluster().getLocalMember().getUuid();
        this.local = local;
        this.publisher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "loky-cluster-load-" + instance.getName());
            thread.setDaemon(true);
            return thread;
        });
        publish();
        publisher.scheduleWithFixedDelay(this::publishQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * The last published load of the member with this UUID, or {@code null} if none is current or
     * it does not verify (sealed by that member with the cluster secret) or parse: such an entry is
     * skipped, never routed to and never an error for a caller.
     */
    Load get(UUID member) {
        Object value;
        try {
            value = loads.get(member);
        } catch (RuntimeException e) {
            return null; // an entry Hazelcast itself cannot read (refused by its serialization filter)
        }
        if (value == null) {
            return null;
        }
        ClusterSeal.Opened opened = local.seal().open(ClusterSeal.Purpose.LOAD, value, member, self);
        if (opened == null) {
            return null;
        }
        try {
            return Load.parse(new String(opened.payload(), java.nio.charset.StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** This member's load now. */
    Load self() {
        PoolSnapshot snapshot = local.pool().snapshot();
        return new Load(snapshot.maxWorkers(), (int) snapshot.liveWorkers(), (int) snapshot.busyWorkers(),
                snapshot.queued(), local.active());
    }

    void publish() {
        byte[] entry = local.seal().seal(ClusterSeal.Purpose.LOAD, self, ClusterSeal.ANYONE,
                self().format().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        loads.put(self, entry, TTL_SECONDS, TimeUnit.SECONDS);
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            // the instance is shutting down, or the cluster is briefly unavailable: try next second
            log.debug("Could not publish this member's loky load: {}", e.toString());
        }
    }

    /** Stops publishing and withdraws this member's entry so that nobody routes here any more. */
    @Override
    public void close() {
        publisher.shutdownNow();
        try {
            loads.remove(self);
        } catch (RuntimeException e) {
            log.debug("Could not withdraw this member's loky load: {}", e.toString());
        }
    }

    /**
     * One member's load.
     *
     * @param maxWorkers its pool's size
     * @param live workers started and ready or busy
     * @param busy workers running a task
     * @param queued tasks waiting in its pool
     * @param active calls routed to it and not finished (running or waiting)
     */
    record Load(int maxWorkers, int live, int busy, int queued, int active) {

        String format() {
            return maxWorkers + "," + live + "," + busy + "," + queued + "," + active;
        }

        static Load parse(String value) {
            String[] parts = value.split(",");
            if (parts.length != 5) {
                throw new IllegalArgumentException("not a load entry");
            }
            return new Load(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                    Integer.parseInt(parts[3]), Integer.parseInt(parts[4]));
        }
    }
}
