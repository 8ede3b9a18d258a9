package dev.loky.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.loky.PoolConfig;
import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import dev.loky.RemoteCallable;
import dev.loky.TaskSerializationException;
import dev.loky.internal.pool.AbstractProcessExecutor;
import dev.loky.serialization.JavaTaskSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ProcessExecutor} over a Hazelcast cluster: this member's own local pool, plus the pools
 * of the other members that run one, reached through Hazelcast's {@link IExecutorService} named
 * {@value #EXECUTOR_NAME}. {@link Router} picks the member of each call; the map family comes from
 * {@link AbstractProcessExecutor}, each chunk routed on its own.
 *
 * <p>Concurrency contract: as {@link ProcessExecutor}'s. A call that stays on this member goes
 * straight to the local pool; one routed elsewhere travels as core-serialized bytes and its future
 * completes when that member answers or leaves (see {@link RemoteCalls}).
 */
final class ClusterProcessExecutor extends AbstractProcessExecutor {

    static final String EXECUTOR_NAME = "loky";
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(ClusterProcessExecutor.class);

    private final HazelcastInstance instance;
    private final ProcessExecutor pool;
    private final LocalMember local;
    private final IExecutorService executor;
    private final RemoteCalls calls;
    private final UUID listener;
    private final LoadBoard board;
    private final Router router;
    private final String selfName;
    private volatile boolean shutdown;

    ClusterProcessExecutor(HazelcastInstance instance, PoolConfig config, ClusterExecutors.Routing routing, byte[] secret) {
        this.instance = instance;
        ClusterSeal seal = new ClusterSeal(secret, System::currentTimeMillis);
        this.pool = ProcessExecutors.create(config);
        try {
            this.local = LocalMember.register(instance, pool, seal);
        } catch (RuntimeException e) {
            pool.shutdownNow();
            throw e;
        }
        this.selfName = Members.name(instance.getCluster().getLocalMember());
        this.executor = instance.getExecutorService(EXECUTOR_NAME);
        this.calls = new RemoteCalls(instance, executor, local);
        this.listener = instance.getCluster().addMembershipListener(calls);
        this.board = new LoadBoard(instance, local);
        this.router = new Router(instance, board, local, calls, routing);
    }

    /** Cluster messages this member refused: they did not verify with the secret ({@code loky.cluster.rejected}). */
    long rejectedMessages() {
        return local.seal().rejected();
    }

    @Override
    protected int parallelism() {
        return router.parallelism();
    }

    @Override
    public <T> CompletableFuture<T> submit(RemoteCallable<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task must not be null");
        checkTimeout(timeout);
        if (shutdown) {
            throw rejected(pool.config().name());
        }
        if (!instance.getLifecycleService().isRunning()) {
            // the Hazelcast member stopped under us: this member's own pool still serves
            return local.submit(task, timeout);
        }
        Member target = router.choose();
        if (target.localMember()) {
            return local.submit(task, timeout);
        }
        byte[] bytes;
        try {
            bytes = JavaTaskSerializer.INSTANCE.serialize(task);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(new TaskSerializationException(TaskSerializationException.Side.ARGUMENT_IN_PARENT,
                    "the task (" + task.getClass().getName() + ") could not be serialized: " + e, e));
        }
        return calls.send(target, RunTask.to(local, target.getUuid(), bytes, timeout));
    }

    /** Every member of the cluster, with its last published load. */
    List<ClusterExecutors.Member> members() {
        List<ClusterExecutors.Member> members = new ArrayList<>();
        if (!instance.getLifecycleService().isRunning()) {
            LoadBoard.Load load = board.self();
            members.add(new ClusterExecutors.Member(selfName, true, false, load.maxWorkers(), load.live(), load.busy(), load.queued()));
            return members;
        }
        for (Member member : instance.getCluster().getMembers()) {
            LoadBoard.Load load = member.localMember() ? board.self() : board.get(member.getUuid());
            members.add(new ClusterExecutors.Member(Members.name(member), member.localMember(), load != null,
                    load == null ? 0 : load.maxWorkers(), load == null ? 0 : load.live(), load == null ? 0 : load.busy(),
                    load == null ? 0 : load.queued()));
        }
        return members;
    }

    /**
     * The whole cluster: every member's workers (each naming its member), queues and counters summed.
     * A member that does not answer within {@link #SNAPSHOT_TIMEOUT} is left out (see {@link #members()}).
     */
    @Override
    public PoolSnapshot snapshot() {
        List<PoolSnapshot> parts = new ArrayList<>();
        parts.add(withMember(pool.snapshot(), selfName));
        if (!instance.getLifecycleService().isRunning()) {
            return combine(parts);
        }
        List<Member> others = instance.getCluster().getMembers().stream()
                .filter(m -> !m.localMember() && board.get(m.getUuid()) != null).toList();
        if (!others.isEmpty()) {
            Map<Member, Future<byte[]>> answers = executor.submitToMembers(new SnapshotTask(local), others);
            long deadline = System.nanoTime() + SNAPSHOT_TIMEOUT.toNanos();
            answers.forEach((member, answer) -> {
                try {
                    byte[] bytes = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    PoolSnapshot part = bytes == null ? null : SnapshotTask.read(local, bytes, member.getUuid(), Members.name(member));
                    if (part != null) {
                        parts.add(part);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    answer.cancel(true);
                    log.debug("No snapshot from cluster member {}: {}", Members.name(member), e.toString());
                }
            });
        }
        return combine(parts);
    }

    private static PoolSnapshot withMember(PoolSnapshot s, String member) {
        return new PoolSnapshot(s.state(), s.startMethod(), s.maxWorkers(), s.queued(),
                s.workers().stream().map(w -> w.onMember(member)).toList(), s.counters(), s.lastStartupError());
    }

    private static PoolSnapshot combine(List<PoolSnapshot> parts) {
        PoolSnapshot first = parts.get(0);
        int maxWorkers = 0;
        int queued = 0;
        List<PoolSnapshot.Worker> workers = new ArrayList<>();
        long[] sums = new long[7];
        Map<String, Long> restarts = new HashMap<>();
        String lastStartupError = null;
        for (PoolSnapshot part : parts) {
            maxWorkers += part.maxWorkers();
            queued += part.queued();
            workers.addAll(part.workers());
            PoolSnapshot.Counters c = part.counters();
            sums[0] += c.submitted();
            sums[1] += c.succeeded();
            sums[2] += c.failed();
            sums[3] += c.cancelled();
            sums[4] += c.crashes();
            sums[5] += c.startupFailures();
            sums[6] += c.consecutiveStartupFailures();
            c.restarts().forEach((reason, n) -> restarts.merge(reason, n, Long::sum));
            if (lastStartupError == null && part.lastStartupError() != null) {
                lastStartupError = part.lastStartupError();
            }
        }
        return new PoolSnapshot(first.state(), first.startMethod(), maxWorkers, queued, List.copyOf(workers),
                new PoolSnapshot.Counters(sums[0], sums[1], sums[2], sums[3], sums[4], Map.copyOf(restarts), sums[5], sums[6]),
                lastStartupError);
    }

    /** Resizes this member's pool (each member sizes its own). */
    @Override
    public void resize(int maxWorkers) {
        local.resize(maxWorkers);
        board.publish();
    }

    @Override
    public void prestart() {
        pool.prestart();
    }

    @Override
    public PoolConfig config() {
        return pool.config();
    }

    /**
     * Withdraws this member from routing (other members stop sending calls here), then shuts the
     * local pool down; calls in flight, here or on other members, finish.
     */
    @Override
    public void shutdown() {
        if (shutdown) {
            return;
        }
        shutdown = true;
        board.close();
        LocalMember.unregister(local);
        pool.shutdown();
    }

    @Override
    public void shutdownNow() {
        shutdown();
        calls.cancelAll();
        pool.shutdownNow();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!pool.awaitTermination(timeout)) {
            return false;
        }
        while (calls.outstanding() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10); // remote answers arrive on Hazelcast's threads; no future to wait on as a whole
        }
        // kept until now so that a member lost while calls drain still fails them
        if (instance.getLifecycleService().isRunning()) {
            instance.getCluster().removeMembershipListener(listener);
        }
        return true;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && pool.isTerminated() && calls.outstanding() == 0;
    }
}
