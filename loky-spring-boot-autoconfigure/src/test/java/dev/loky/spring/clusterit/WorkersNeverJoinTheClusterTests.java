package dev.loky.spring.clusterit;

import com.hazelcast.core.HazelcastInstance;
import dev.loky.ProcessExecutor;
import dev.loky.cluster.ClusterExecutors;
import dev.loky.spring.actuate.LokyEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real worker JVMs booting an application that is a Hazelcast member: the workers start no member
 * (Boot's Hazelcast auto-configuration is skipped there), so the cluster keeps exactly one member
 * while they run, and {@code /actuator/loky} shows that member with its workers.
 */
@SpringBootTest(classes = ClusterItApplication.class, properties = {"loky.cluster.enabled=true",
        "loky.cluster.secret=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "clusterit.name=clusterit-${random.uuid}", "loky.max-workers=2",
        "loky.worker.startup-cache=off", "loky.worker.jvm-args=-Xmx128m,-XX:TieredStopAtLevel=1",
        "management.endpoints.web.exposure.include=loky,health", "management.endpoint.health.show-details=always"})
class WorkersNeverJoinTheClusterTests {

    @Autowired
    ClusterItApplication.Probe probe;

    @Autowired
    ProcessExecutor executor;

    @Autowired
    HazelcastInstance hazelcast;

    @Autowired
    LokyEndpoint endpoint;

    @Test
    void workersRunCallsWithoutStartingAHazelcastMember() {
        assertThat(ClusterExecutors.isCluster(executor)).isTrue();
        long[] first = probe.pidAndHazelcastInstances();
        assertThat(first[0]).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(first[1]).as("Hazelcast members in the worker JVM").isZero();
        executor.prestart();
        assertThat(executor.snapshot().liveWorkers()).isPositive();
        // the workers are alive now: still one member, this JVM
        assertThat(hazelcast.getCluster().getMembers()).hasSize(1);

        LokyEndpoint.PoolDescriptor pool = endpoint.pool();
        String self = hazelcast.getCluster().getLocalMember().getAddress().getHost() + ":"
                + hazelcast.getCluster().getLocalMember().getAddress().getPort();
        assertThat(pool.members()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo(self);
            assertThat(m.local()).isTrue();
            assertThat(m.reachable()).isTrue();
        });
        assertThat(pool.workers()).isNotEmpty().allSatisfy(w -> assertThat(w.member()).isEqualTo(self));
    }
}
