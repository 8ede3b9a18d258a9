package dev.loky.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.loky.ClusterMemberLostException;
import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
import static org.awaitility.Awaitility.await;

/**
 * Real members in separate JVMs ({@link MemberMain}), each with its own pool of one worker JVM,
 * and this JVM as the calling member. A task answers with its worker's parent pid, i.e. the pid of
 * the member that ran it. In order: two members share work, a third that joins later takes work,
 * and a member killed with SIGKILL mid-call fails exactly its call.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessesTest {

    private static final int BASE_PORT = 5931;
    private static final int MEMBERS = 3;
    private static final String CLUSTER = "processes-" + ProcessHandle.current().pid();
    private static final List<Process> processes = new ArrayList<>();
    private static HazelcastInstance instance;
    private static ProcessExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        instance = Hazelcast.newHazelcastInstance(LoopbackHazelcast.config(CLUSTER, BASE_PORT, MEMBERS));
        executor = ClusterExecutors.create(instance, PoolConfig.builder().name("caller").maxWorkers(1).prestart(true).build(),
                ClusterExecutors.Routing.LEAST_LOADED, LoopbackHazelcast.SECRET);
        startMember();
    }

    @AfterAll
    static void stop() {
        try {
            if (executor != null) {
                executor.shutdownNow();
            }
            if (instance != null) {
                instance.getLifecycleService().terminate();
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /** Starts a member JVM and waits until it is in the cluster and publishes its load. */
    private static Process startMember() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java").getPath(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                MemberMain.class.getName(), CLUSTER, String.valueOf(BASE_PORT), String.valueOf(MEMBERS), "1");
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = builder.start();
        processes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY")) {
            // Hazelcast's banner and the like
        }
        assertThat(line).as("member process output").startsWith("READY");
        int expected = processes.size() + 1;
        await().atMost(Duration.ofSeconds(30)).until(() ->
                ClusterExecutors.members(executor).stream().filter(ClusterExecutors.Member::reachable).count() == expected);
        return process;
    }

    /** Submits {@code n} calls sleeping {@code millis}, each answering with its member's pid. */
    private static List<CompletableFuture<Long>> calls(int n, long millis) {
        return IntStream.range(0, n).mapToObj(i -> executor.submit(() -> {
            Thread.sleep(millis);
            return ProcessHandle.current().parent().orElseThrow().pid();
        })).toList();
    }

    private static Set<Long> pids(List<CompletableFuture<Long>> futures) throws Exception {
        Set<Long> pids = new HashSet<>();
        for (CompletableFuture<Long> f : futures) {
            pids.add(f.get(60, TimeUnit.SECONDS));
        }
        return pids;
    }

    @Test
    @Order(1)
    void callsSpreadOverTheMembers() throws Exception {
        assertThat(pids(calls(2, 500))).containsExactlyInAnyOrder(ProcessHandle.current().pid(), processes.get(0).pid());
    }

    @Test
    @Order(2)
    void aMemberThatJoinsLaterTakesWork() throws Exception {
        Process late = startMember();
        assertThat(pids(calls(3, 500))).containsExactlyInAnyOrder(ProcessHandle.current().pid(), processes.get(0).pid(), late.pid());
    }

    @Test
    @Order(3)
    void aMemberKilledMidCallFailsExactlyItsCall() throws Exception {
        Process victim = processes.get(1);
        List<CompletableFuture<Long>> futures = calls(3, 3_000);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                executor.snapshot().workers().stream().filter(w -> w.currentTask() != null).count() == 3);
        long killedAt = System.nanoTime();
        victim.destroyForcibly(); // SIGKILL
        List<Object> outcomes = new ArrayList<>();
        Long retried = null;
        for (CompletableFuture<Long> f : futures) {
            try {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(ClusterMemberLostException.class);
                assertThat(((ClusterMemberLostException) e.getCause()).member()).endsWith(":" + (BASE_PORT + 2));
                outcomes.add(e.getCause().getClass().getSimpleName());
                // what @ProcessAsync(idempotent = true) does: send it once more; it runs on a member that is left
                retried = calls(1, 200).get(0).get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(retried).isIn(ProcessHandle.current().pid(), processes.get(0).pid());
        long detectedMillis = (System.nanoTime() - killedAt) / 1_000_000;
        assertThat(outcomes).containsExactlyInAnyOrder(ProcessHandle.current().pid(), processes.get(0).pid(),
                ClusterMemberLostException.class.getSimpleName());
        System.out.println("member loss detected in " + detectedMillis + " ms");
        // the cluster goes on with the members that are left
        // (which of the two serves each call depends on the published load at that instant: spreading is the first test's job)
        assertThat(pids(calls(2, 200))).isNotEmpty().allSatisfy(pid ->
                assertThat(pid).isIn(ProcessHandle.current().pid(), processes.get(0).pid()));
    }
}
