package dev.loky.benchmarks;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.loky.ProcessExecutor;
import dev.loky.RemoteCallable;
import dev.loky.cluster.ClusterExecutors;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A loky cluster over Hazelcast on this machine (members on 127.0.0.1, TCP-IP join, no multicast),
 * each member with its own pool of 2 worker JVMs:
 * <ol>
 *   <li>calls per second for sleep-bound calls (200 ms each), with 1, 2 and 3 members: this JVM is
 *       the calling member, the others are separate member JVMs started from this jar;</li>
 *   <li>the round trip of a no-op call run on this member vs one routed to another member (this
 *       member's workers kept busy so that {@code local-first} routing sends it away).</li>
 * </ol>
 * A plain main class rather than JMH: the set-up (member JVMs) dominates and the figures are
 * ratios measured in one run.
 *
 * <pre>java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.ClusterBenchmark [calls-per-member-worker] [rounds]</pre>
 */
public final class ClusterBenchmark {

    private static final int BASE_PORT = 5801;
    private static final int MAX_MEMBERS = 3;
    private static final int WORKERS = 2;
    private static final long SLEEP_MILLIS = 200;

    private ClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("member")) {
            member(args[1]);
            return;
        }
        int perWorker = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String cluster = "loky-bench-" + ProcessHandle.current().pid();
        HazelcastInstance instance = Hazelcast.newHazelcastInstance(config(cluster));
        List<Process> members = new ArrayList<>();
        try (ProcessExecutor executor = ClusterExecutors.create(instance,
                Tasks.pool(WORKERS).toBuilder().prestart(true).build(), ClusterExecutors.Routing.LOCAL_FIRST)) {
            double[] callsPerSecond = new double[MAX_MEMBERS + 1];
            for (int n = 1; n <= MAX_MEMBERS; n++) {
                if (n > 1) {
                    members.add(startMember(cluster));
                    awaitMembers(executor, n);
                }
                int calls = perWorker * WORKERS * n;
                sleepBound(executor, calls); // warm-up: every member's workers started and used once
                double[] rates = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    long start = System.nanoTime();
                    sleepBound(executor, calls);
                    rates[r] = calls / ((System.nanoTime() - start) / 1e9);
                }
                callsPerSecond[n] = Stats.percentile(rates, 50);
                System.out.printf("%d member(s), %d workers each: %d calls of %d ms, median of %d rounds: %.2f calls/s (ideal %.2f); rounds %s%n",
                        n, WORKERS, calls, SLEEP_MILLIS, rounds, callsPerSecond[n], n * WORKERS * 1000.0 / SLEEP_MILLIS,
                        Arrays.toString(Arrays.stream(rates).map(x -> Math.round(x * 100) / 100.0).toArray()));
            }
            System.out.printf("scaling: 2 members %.2fx one, 3 members %.2fx one%n",
                    callsPerSecond[2] / callsPerSecond[1], callsPerSecond[3] / callsPerSecond[1]);
            latency(executor);
        } finally {
            members.forEach(Process::destroy);
            for (Process p : members) {
                p.waitFor();
            }
            instance.shutdown();
        }
    }

    private static void sleepBound(ProcessExecutor executor, int calls) {
        RemoteCallable<Object> task = () -> {
            Thread.sleep(SLEEP_MILLIS);
            return null;
        };
        List<CompletableFuture<Object>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            futures.add(executor.submit(task));
        }
        futures.forEach(CompletableFuture::join);
    }

    /** No-op round trips served here, then (this member's workers busy) routed to another member. */
    private static void latency(ProcessExecutor executor) throws Exception {
        int samples = 2_000;
        double[] local = roundTrips(executor, samples);
        RemoteCallable<Object> hold = () -> {
            Thread.sleep(600_000);
            return null;
        };
        List<CompletableFuture<Object>> holders = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            holders.add(executor.submit(hold)); // local-first: both stay on this member while it has an idle worker
        }
        Thread.sleep(500);
        double[] routed = roundTrips(executor, samples);
        holders.forEach(h -> h.cancel(true));
        double localP50 = Stats.percentile(local, 50);
        double routedP50 = Stats.percentile(routed, 50);
        System.out.printf("no-op round trip, %d samples after warm-up: local p50 %.0f us p99 %.0f us; routed to another member p50 %.0f us p99 %.0f us; extra %.0f us%n",
                samples, localP50, Stats.percentile(local, 99), routedP50, Stats.percentile(routed, 99), routedP50 - localP50);
    }

    private static double[] roundTrips(ProcessExecutor executor, int samples) {
        for (int i = 0; i < samples / 2; i++) {
            executor.submit(Tasks.NOOP).join();
        }
        double[] micros = new double[samples];
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            executor.submit(Tasks.NOOP).join();
            micros[i] = (System.nanoTime() - start) / 1e3;
        }
        return micros;
    }

    private static void awaitMembers(ProcessExecutor executor, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (ClusterExecutors.members(executor).stream().filter(ClusterExecutors.Member::reachable).count() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("member " + n + " did not join within 60 s");
            }
            Thread.sleep(100);
        }
    }

    private static Process startMember(String cluster) throws Exception {
        Process process = new ProcessBuilder(new File(System.getProperty("java.home"), "bin/java").getPath(),
                "-cp", System.getProperty("java.class.path"), ClusterBenchmark.class.getName(), "member", cluster)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            // Hazelcast's own output
        }
        if (line == null) {
            throw new IllegalStateException("member JVM exited before it was ready: " + process.waitFor());
        }
        return process;
    }

    /** A member JVM: runs until its standard input closes or it is destroyed. */
    private static void member(String cluster) throws Exception {
        HazelcastInstance instance = Hazelcast.newHazelcastInstance(config(cluster));
        try (ProcessExecutor executor = ClusterExecutors.create(instance, Tasks.pool(WORKERS).toBuilder().prestart(true).build())) {
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() != -1) {
                // the parent keeps our stdin open while it needs us
            }
        } finally {
            instance.shutdown();
        }
    }

    /** Loopback only: bound to 127.0.0.1, TCP-IP join over fixed ports, no multicast. */
    static Config config(String cluster) {
        Config config = new Config();
        config.setClusterName(cluster);
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.getNetworkConfig().setPort(BASE_PORT).setPortAutoIncrement(true).setPortCount(MAX_MEMBERS);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1);
        for (int i = 0; i < MAX_MEMBERS; i++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + (BASE_PORT + i));
        }
        return config;
    }
}
