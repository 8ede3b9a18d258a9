package dev.loky.cluster;

import com.hazelcast.cluster.Member;

/** How members are named in snapshots, exceptions and logs. */
final class Members {

    private Members() {
    }

    /** {@code host:port} of the member's Hazelcast endpoint. */
    static String name(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }
}
