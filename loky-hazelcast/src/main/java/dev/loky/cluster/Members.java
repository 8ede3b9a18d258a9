package dev.loky.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;

/** How members are named in snapshots, exceptions and logs. */
final class Members {

    private Members() {
    }

    /** {@code host:port} of the member's Hazelcast endpoint. */
    static String name(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    /**
     * The class loader that tasks and results are read with: Hazelcast's configured one (Spring
     * Boot sets the application's), else the one that loaded this module. Not the thread's context
     * loader: calls and answers arrive on Hazelcast's threads, whose context loader in a Spring Boot
     * fat jar may not see the application's classes.
     */
    static ClassLoader loader(HazelcastInstance instance) {
        ClassLoader configured = instance.getConfig().getClassLoader();
        return configured != null ? configured : Members.class.getClassLoader();
    }
}
