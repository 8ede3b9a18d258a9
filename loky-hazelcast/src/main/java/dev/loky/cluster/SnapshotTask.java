package dev.loky.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.loky.PoolSnapshot;
import dev.loky.StartMethod;
import dev.loky.serialization.JavaTaskSerializer;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Asks a member for its local pool's snapshot. The answer travels as bytes written by core's
 * serializer (read back through its filter) in a plain serializable form, since
 * {@link PoolSnapshot} itself is not {@link Serializable}; {@code null} when the member runs no
 * loky cluster executor.
 */
final class SnapshotTask implements Callable<byte[]>, HazelcastInstanceAware, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The sealed request (its payload is empty): only members with the secret are answered. */
    private final byte[] request;
    private transient HazelcastInstance instance;

    SnapshotTask(LocalMember asking) {
        this.request = asking.seal().seal(ClusterSeal.Purpose.SNAPSHOT_REQUEST, asking.uuid(), ClusterSeal.ANYONE, new byte[0]);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    public byte[] call() throws Exception {
        LocalMember local = LocalMember.of(instance);
        ClusterSeal.Opened asked = local == null ? null : local.seal().open(ClusterSeal.Purpose.SNAPSHOT_REQUEST, request, null, local.uuid());
        if (asked == null) {
            return null; // what runs here (task descriptions, pids) is not for outsiders
        }
        byte[] snapshot = JavaTaskSerializer.INSTANCE.serialize(Wire.of(local.pool().snapshot()));
        return local.seal().seal(ClusterSeal.Purpose.SNAPSHOT, local.uuid(), asked.sender(), snapshot);
    }

    /** The snapshot {@code from} sealed for {@code local}, or {@code null} when it does not verify. */
    static PoolSnapshot read(LocalMember local, byte[] sealed, java.util.UUID from, String member) throws Exception {
        ClusterSeal.Opened opened = local.seal().open(ClusterSeal.Purpose.SNAPSHOT, sealed, from, local.uuid());
        if (opened == null) {
            return null;
        }
        // only JDK and this module's classes in a snapshot
        return ((Wire) JavaTaskSerializer.INSTANCE.deserialize(opened.payload(), SnapshotTask.class.getClassLoader())).toSnapshot(member);
    }

    /** {@link PoolSnapshot} in serializable form. */
    record Wire(String state, String startMethod, int maxWorkers, int queued, ArrayList<WireWorker> workers,
            long[] counters, HashMap<String, Long> restarts, String lastStartupError) implements Serializable {

        static Wire of(PoolSnapshot s) {
            ArrayList<WireWorker> workers = new ArrayList<>();
            for (PoolSnapshot.Worker w : s.workers()) {
                workers.add(new WireWorker(w.id(), w.pid(), w.state().name(), w.currentTask(), w.tasksDone(), w.rssBytes(),
                        w.heapUsedBytes(), w.uptime().toMillis(), w.lastRestartReason()));
            }
            PoolSnapshot.Counters c = s.counters();
            return new Wire(s.state().name(), s.startMethod().name(), s.maxWorkers(), s.queued(), workers,
                    new long[] {c.submitted(), c.succeeded(), c.failed(), c.cancelled(), c.crashes(), c.startupFailures(),
                            c.consecutiveStartupFailures()},
                    new HashMap<>(c.restarts()), s.lastStartupError());
        }

        PoolSnapshot toSnapshot(String member) {
            List<PoolSnapshot.Worker> list = new ArrayList<>();
            for (WireWorker w : workers) {
                list.add(new PoolSnapshot.Worker(w.id(), w.pid(), PoolSnapshot.WorkerState.valueOf(w.state()), w.currentTask(), w.tasksDone(), w.rssBytes(),
                        w.heapUsedBytes(), Duration.ofMillis(w.uptimeMillis()), w.lastRestartReason(), member, null));
            }
            PoolSnapshot.Counters c = new PoolSnapshot.Counters(counters[0], counters[1], counters[2], counters[3],
                    counters[4], Map.copyOf(restarts), counters[5], counters[6]);
            return new PoolSnapshot(PoolSnapshot.State.valueOf(state), StartMethod.valueOf(startMethod), maxWorkers, queued, List.copyOf(list), c,
                    lastStartupError);
        }
    }

    record WireWorker(int id, long pid, String state, String currentTask, long tasksDone, long rssBytes,
            long heapUsedBytes, long uptimeMillis, String lastRestartReason) implements Serializable {
    }
}
