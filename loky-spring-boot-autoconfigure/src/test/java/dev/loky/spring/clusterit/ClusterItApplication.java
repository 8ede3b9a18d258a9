package dev.loky.spring.clusterit;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import dev.loky.spring.ProcessAsync;
import dev.loky.cluster.LoopbackHazelcast;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/**
 * An application that is a Hazelcast member (Boot's auto-configuration, from the {@link Config}
 * bean) with loky over the cluster; booted in the test JVM and, as the slim context, in every worker.
 */
@SpringBootApplication
public class ClusterItApplication {

    static final int BASE_PORT = 5971;

    /** Workers see the same properties as the application, so a worker member would join this cluster. */
    @Bean
    Config hazelcastConfig(@Value("${clusterit.name}") String clusterName) {
        return LoopbackHazelcast.config(clusterName, BASE_PORT, 3);
    }

    /**
     * Reports, from the JVM that runs the call, its pid and how many Hazelcast members it runs. It
     * asks for the {@link HazelcastInstance} bean as an application bean that uses Hazelcast would:
     * in a worker there must be none to create.
     */
    @Service
    public static class Probe {

        private final ObjectProvider<HazelcastInstance> hazelcast;

        public Probe(ObjectProvider<HazelcastInstance> hazelcast) {
            this.hazelcast = hazelcast;
        }

        @ProcessAsync
        public long[] pidAndHazelcastInstances() {
            hazelcast.getIfAvailable();
            return new long[] {ProcessHandle.current().pid(), Hazelcast.getAllHazelcastInstances().size()};
        }
    }
}
