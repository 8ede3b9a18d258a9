package dev.loky.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;

/**
 * Hazelcast configurations for tests, shared with the Spring module's cluster tests (this module's
 * test jar): members on 127.0.0.1 only (bound there, not on every
 * interface), TCP-IP join over a fixed list of ports, multicast and auto-detection off, and a failure
 * detector fast enough that a killed member is declared gone within seconds.
 */
public final class LoopbackHazelcast {

    /** The members' shared cluster secret (32 random bytes, base64). */
    public static final String SECRET = "hA3v0tJ9l8Yc1Kq6mZ2rX5sW7uN4bE0dG9fP3jL6oQ8=";

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
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(basePort).setPortAutoIncrement(true).setPortCount(members);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1);
        for (int i = 0; i < members; i++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + (basePort + i));
        }
        return config;
    }
}
