package dev.loky.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.cluster.Member;
import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.RemoteCallable;
import dev.loky.StartMethod;
import dev.loky.serialization.JavaTaskSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster trusts no message without the secret. Two members share it; an attacker joins the same
 * cluster (it knows only the address and the cluster name) as a member running loky with another
 * secret, and as a plain Hazelcast client. Before the secret, the attacker's calls ran in the
 * members' pools, its fake load entry drew their calls, and a {@code not-a-load} entry broke every
 * call until it expired.
 */
class ClusterTrustTest {

    private static final int BASE_PORT = 5971;
    private static final String WRONG_SECRET = "bm90IHRoZSBjbHVzdGVyJ3Mgc2VjcmV0IGF0IGFsbCwgbm8=";
    /** Counts tasks that ran in this JVM (every member here runs tasks on threads). */
    static final AtomicInteger RAN = new AtomicInteger();

    private final List<HazelcastInstance> instances = new ArrayList<>();
    private final List<ProcessExecutor> executors = new ArrayList<>();
    private HazelcastInstance client;

    @AfterEach
    void tearDown() {
        try {
            executors.forEach(ProcessExecutor::shutdownNow);
            if (client != null) {
                client.shutdown();
            }
        } finally {
            instances.forEach(i -> i.getLifecycleService().terminate());
        }
    }

    private ProcessExecutor member(String cluster, String name, String secret) {
        HazelcastInstance instance = Hazelcast.newHazelcastInstance(LoopbackHazelcast.config(cluster, BASE_PORT, 3));
        instances.add(instance);
        ProcessExecutor executor = ClusterExecutors.create(instance, PoolConfig.builder().name(name).maxWorkers(2)
                .startMethod(StartMethod.THREADS).build(), ClusterExecutors.Routing.LEAST_LOADED, secret);
        executors.add(executor);
        return executor;
    }

    static int mark() {
        return RAN.incrementAndGet();
    }

    @Test
    void anAttackerWithoutTheSecretCanNeitherRunCallsNorDrawThemNorBreakRouting() throws Exception {
        String cluster = "trust-" + System.nanoTime();
        ProcessExecutor a = member(cluster, "a", LoopbackHazelcast.SECRET);
        ProcessExecutor b = member(cluster, "b", LoopbackHazelcast.SECRET);
        ProcessExecutor attacker = member(cluster, "attacker", WRONG_SECRET);
        HazelcastInstance aInstance = instances.get(0);
        HazelcastInstance attackerInstance = instances.get(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> ClusterExecutors.members(a).stream()
                .filter(ClusterExecutors.Member::reachable).count() == 2);

        // its load entries do not verify: never reachable, never routed to, not even a fake one or garbage
        attackerInstance.getReplicatedMap(LoadBoard.MAP_NAME).put(attackerInstance.getCluster().getLocalMember().getUuid(), "64,0,0,0,0");
        attackerInstance.getReplicatedMap(LoadBoard.MAP_NAME).put(UUID.randomUUID(), "not-a-load");
        attackerInstance.getReplicatedMap(LoadBoard.MAP_NAME).put(instances.get(1).getCluster().getLocalMember().getUuid(), new byte[64]);
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(a.submit(() -> Thread.currentThread().getName()));
        }
        for (CompletableFuture<String> call : calls) {
            assertThat(call.get(30, TimeUnit.SECONDS)).doesNotStartWith("attacker");
        }
        assertThat(attacker.snapshot().counters().submitted()).as("calls routed to the attacker").isZero();
        assertThat(ClusterExecutors.members(a)).filteredOn(m -> m.name().equals(Members.name(attackerInstance.getCluster().getLocalMember())))
                .allSatisfy(m -> assertThat(m.reachable()).isFalse());
        assertThat(ClusterExecutors.rejectedMessages(a)).isPositive();

        // a call it seals with its own key reaches member a and runs nothing there
        Member target = aInstance.getCluster().getLocalMember();
        int before = RAN.get();
        byte[] task = JavaTaskSerializer.INSTANCE.serialize((RemoteCallable<Integer>) ClusterTrustTest::mark);
        IExecutorService executor = attackerInstance.getExecutorService(ClusterProcessExecutor.EXECUTOR_NAME);
        RunTask forged = RunTask.to(LocalMember.of(attackerInstance), target.getUuid(), task, null);
        assertThat(executor.submitToMember(forged, target).get(30, TimeUnit.SECONDS)).as("an answer to the attacker").isNull();
        assertThat(RAN.get()).as("tasks the forged call ran").isEqualTo(before);

        // a replayed genuine call is refused too: b seals one for a, the attacker sends it twice
        RunTask genuine = RunTask.to(LocalMember.of(instances.get(1)), target.getUuid(), task, null);
        assertThat(executor.submitToMember(genuine, target).get(30, TimeUnit.SECONDS)).as("the first delivery runs").isNotNull();
        int once = RAN.get();
        assertThat(executor.submitToMember(genuine, target).get(30, TimeUnit.SECONDS)).as("the replay").isNull();
        assertThat(RAN.get()).isEqualTo(once);

        // and its snapshot requests get nothing back
        assertThat(executor.submitToMember(new SnapshotTask(LocalMember.of(attackerInstance)), target).get(30, TimeUnit.SECONDS)).isNull();
        assertThat(b.submit(() -> "still fine").get(30, TimeUnit.SECONDS)).isEqualTo("still fine");
    }

    @Test
    void aHazelcastClientWithoutTheSecretRunsNothing() throws Exception {
        String cluster = "trust-client-" + System.nanoTime();
        ProcessExecutor a = member(cluster, "a", LoopbackHazelcast.SECRET);
        ClientConfig config = new ClientConfig();
        config.setClusterName(cluster);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getNetworkConfig().addAddress("127.0.0.1:" + BASE_PORT);
        client = HazelcastClient.newHazelcastClient(config);
        Member target = client.getCluster().getMembers().iterator().next();
        int before = RAN.get();
        // a call sealed with a key of the client's own choosing (it has no loky member of its own)
        ClusterSeal own = new ClusterSeal(ClusterSeal.parseSecret(WRONG_SECRET), System::currentTimeMillis);
        byte[] task = JavaTaskSerializer.INSTANCE.serialize((RemoteCallable<Integer>) ClusterTrustTest::mark);
        byte[] sealed = own.seal(ClusterSeal.Purpose.CALL, UUID.randomUUID(), target.getUuid(),
                java.nio.ByteBuffer.allocate(8 + task.length).putLong(0).put(task).array());
        java.lang.reflect.Constructor<RunTask> make = RunTask.class.getDeclaredConstructor(byte[].class);
        make.setAccessible(true);
        Object answer = client.getExecutorService(ClusterProcessExecutor.EXECUTOR_NAME).submitToMember(make.newInstance((Object) sealed), target)
                .get(30, TimeUnit.SECONDS);
        assertThat(answer).isNull();
        assertThat(RAN.get()).isEqualTo(before);
        client.getReplicatedMap(LoadBoard.MAP_NAME).put(UUID.randomUUID(), "not-a-load");
        assertThat(a.submit(() -> "served").get(30, TimeUnit.SECONDS)).isEqualTo("served");
        assertThat(ClusterExecutors.rejectedMessages(a)).isPositive();
    }
}
