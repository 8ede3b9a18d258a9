package dev.loky.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.loky.ClusterMemberLostException;
import dev.loky.MapOptions;
import dev.loky.PoolConfig;
import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;
import dev.loky.StartMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Routing with in-JVM members (fast): each member's pool runs tasks on threads named after the
 * member, so a task's thread name says which member ran it.
 */
class ClusterRoutingTest {

    private static final int BASE_PORT = 5911;
    private final List<HazelcastInstance> instances = new ArrayList<>();
    private final List<ProcessExecutor> executors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        try {
            executors.forEach(ProcessExecutor::shutdownNow);
        } finally {
            instances.forEach(i -> i.getLifecycleService().terminate());
        }
    }

    private List<ProcessExecutor> cluster(int members, int threads, ClusterExecutors.Routing routing) {
        String name = "routing-" + System.nanoTime();
        for (int i = 0; i < members; i++) {
            HazelcastInstance instance = Hazelcast.newHazelcastInstance(LoopbackHazelcast.config(name, BASE_PORT, members));
            instances.add(instance);
            executors.add(ClusterExecutors.create(instance, PoolConfig.builder().name("member" + i).maxWorkers(threads)
                    .startMethod(StartMethod.THREADS).build(), routing, LoopbackHazelcast.SECRET));
        }
        // every member sees every other's load before a test routes anything
        await().atMost(Duration.ofSeconds(20)).until(() -> executors.stream()
                .allMatch(e -> ClusterExecutors.members(e).stream().filter(ClusterExecutors.Member::reachable).count() == members));
        return executors;
    }

    private static String member(String threadName) {
        return threadName.substring(0, threadName.indexOf("-thread-"));
    }

    private static Set<String> membersOf(List<CompletableFuture<String>> futures) throws Exception {
        Set<String> names = new HashSet<>();
        for (CompletableFuture<String> f : futures) {
            names.add(member(f.get(30, TimeUnit.SECONDS)));
        }
        return names;
    }

    @Test
    void localFirstKeepsCallsHereWhileAWorkerIsIdle() throws Exception {
        ProcessExecutor first = cluster(2, 2, ClusterExecutors.Routing.LOCAL_FIRST).get(0);
        for (int i = 0; i < 5; i++) {
            assertThat(member(first.submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS))).isEqualTo("member0");
        }
    }

    @Test
    void localFirstSpillsToOtherMembersWhenItsWorkersAreBusy() throws Exception {
        ProcessExecutor first = cluster(3, 1, ClusterExecutors.Routing.LOCAL_FIRST).get(0);
        List<CompletableFuture<String>> futures = IntStream.range(0, 3).mapToObj(i -> first.submit(() -> {
            Thread.sleep(500);
            return Thread.currentThread().getName();
        })).toList();
        assertThat(membersOf(futures)).containsExactlyInAnyOrder("member0", "member1", "member2");
    }

    @Test
    void leastLoadedSpreadsEvenWhileThisMemberIsIdle() throws Exception {
        ProcessExecutor first = cluster(2, 2, ClusterExecutors.Routing.LEAST_LOADED).get(0);
        List<CompletableFuture<String>> futures = IntStream.range(0, 4).mapToObj(i -> first.submit(() -> {
            Thread.sleep(300);
            return Thread.currentThread().getName();
        })).toList();
        List<String> names = new ArrayList<>();
        for (CompletableFuture<String> f : futures) {
            names.add(member(f.get(30, TimeUnit.SECONDS)));
        }
        assertThat(names).filteredOn("member0"::equals).hasSize(2);
        assertThat(names).filteredOn("member1"::equals).hasSize(2);
    }

    @Test
    void mapSpreadsChunksOverMembersAndKeepsOrder() {
        ProcessExecutor first = cluster(2, 1, ClusterExecutors.Routing.LOCAL_FIRST).get(0);
        List<Integer> items = IntStream.range(0, 20).boxed().toList();
        List<String> results = first.map(x -> {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            return x + "@" + Thread.currentThread().getName();
        }, items, MapOptions.defaults().chunkSize(1));
        assertThat(results).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(results.get(i)).startsWith(i + "@");
        }
        assertThat(results.stream().map(r -> member(r.substring(r.indexOf('@') + 1))).distinct()).containsExactlyInAnyOrder("member0", "member1");
        assertThat(first.imapUnordered(x -> x * 2, items).mapToInt(Integer::intValue).sum()).isEqualTo(380);
        assertThat(first.imap(x -> x + 1, items).toList()).isEqualTo(IntStream.rangeClosed(1, 20).boxed().toList());
    }

    @Test
    void aTaskExceptionComesBackFromAnotherMemberWithItsType() {
        ProcessExecutor first = cluster(2, 1, ClusterExecutors.Routing.LEAST_LOADED).get(0);
        List<CompletableFuture<Object>> futures = IntStream.range(0, 2).mapToObj(i -> first.submit(() -> {
            Thread.sleep(200);
            throw new IllegalArgumentException("bad " + Thread.currentThread().getName());
        })).toList();
        for (CompletableFuture<Object> f : futures) {
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("bad member");
        }
    }

    @Test
    void aMemberThatLeavesMidCallFailsOnlyItsCalls() throws Exception {
        List<ProcessExecutor> cluster = cluster(2, 1, ClusterExecutors.Routing.LEAST_LOADED);
        ProcessExecutor first = cluster.get(0);
        List<CompletableFuture<String>> futures = IntStream.range(0, 2).mapToObj(i -> first.submit(() -> {
            Thread.sleep(3_000);
            return Thread.currentThread().getName();
        })).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> first.snapshot().workers().stream().filter(w -> w.currentTask() != null).count() == 2);
        String leaving = Members.name(instances.get(1).getCluster().getLocalMember());
        instances.get(1).getLifecycleService().terminate();
        List<String> outcomes = new ArrayList<>();
        for (CompletableFuture<String> f : futures) {
            try {
                outcomes.add(member(f.get(30, TimeUnit.SECONDS)));
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(ClusterMemberLostException.class);
                outcomes.add("lost " + ((ClusterMemberLostException) e.getCause()).member());
            }
        }
        assertThat(outcomes).containsExactlyInAnyOrder("member0", "lost " + leaving);
        // the next calls go to the member that is left
        assertThat(member(first.submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS))).isEqualTo("member0");
    }

    @Test
    void snapshotShowsEveryMembersWorkersNamingTheirMember() throws Exception {
        ProcessExecutor first = cluster(2, 1, ClusterExecutors.Routing.LEAST_LOADED).get(0);
        List<CompletableFuture<String>> futures = IntStream.range(0, 2).mapToObj(i -> first.submit(() -> {
            Thread.sleep(1_500);
            return "done";
        })).toList();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PoolSnapshot snapshot = first.snapshot();
            assertThat(snapshot.maxWorkers()).isEqualTo(2);
            assertThat(snapshot.workers()).extracting(PoolSnapshot.Worker::member).containsExactlyInAnyOrder(
                    instances.stream().map(i -> Members.name(i.getCluster().getLocalMember())).toArray(String[]::new));
        });
        for (CompletableFuture<String> f : futures) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("done");
        }
        assertThat(first.snapshot().counters().succeeded()).isEqualTo(2);
    }

    @Test
    void badInputAndShutdown() {
        ProcessExecutor first = cluster(1, 1, ClusterExecutors.Routing.LOCAL_FIRST).get(0);
        assertThatThrownBy(() -> ClusterExecutors.Routing.of("nearest")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("local-first or least-loaded");
        assertThat(ClusterExecutors.Routing.of("least-loaded")).isEqualTo(ClusterExecutors.Routing.LEAST_LOADED);
        assertThatThrownBy(() -> ClusterExecutors.create(instances.get(0), PoolConfig.builder().build(), LoopbackHazelcast.SECRET))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has a loky cluster executor");
        assertThat(first.execute(() -> { }).join()).isNull();
        first.shutdown();
        assertThatThrownBy(() -> first.submit(() -> 1)).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    }
}
