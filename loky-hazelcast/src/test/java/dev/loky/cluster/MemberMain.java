package dev.loky.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;

/**
 * A cluster member in its own JVM, for the multi-process tests and the benchmark: joins the cluster
 * named by the first argument (loopback ports from the second, the third being how many), runs a
 * loky cluster executor with the fourth argument's number of workers, prints {@code READY} and
 * stays until its standard input closes (or it is killed).
 */
public final class MemberMain {

    private MemberMain() {
    }

    public static void main(String[] args) throws Exception {
        HazelcastInstance instance = Hazelcast.newHazelcastInstance(
                LoopbackHazelcast.config(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2])));
        ProcessExecutor executor = ClusterExecutors.create(instance,
                PoolConfig.builder().name("member").maxWorkers(Integer.parseInt(args[3])).prestart(true).build(),
                LoopbackHazelcast.SECRET);
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the parent to close our stdin
        }
        executor.close();
        instance.shutdown();
    }
}
