package dev.loky.spring.autoconfigure;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;

/** A Hazelcast {@link Config} for tests: 127.0.0.1 only, TCP-IP join over fixed ports, no multicast. */
public final class LoopbackHazelcast {

    private LoopbackHazelcast() {
    }

    public static Config config(String clusterName, int basePort, int members) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.partition.count", "7");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getNetworkConfig().setPort(basePort).setPortAutoIncrement(true).setPortCount(members);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1);
        for (int i = 0; i < members; i++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + (basePort + i));
        }
        return config;
    }
}
