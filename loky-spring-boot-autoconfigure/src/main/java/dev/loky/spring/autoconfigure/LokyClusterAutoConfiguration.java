package dev.loky.spring.autoconfigure;

import com.hazelcast.core.HazelcastInstance;
import dev.loky.ProcessExecutor;
import dev.loky.cluster.ClusterExecutors;
import dev.loky.spring.InvalidLokyPropertyException;
import dev.loky.spring.LokyPoolConfigBuilder;
import dev.loky.spring.LokyProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastConfigCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of loky over a Hazelcast cluster: with {@code loky.cluster.enabled=true},
 * {@code loky-hazelcast} on the classpath and a {@link HazelcastInstance} bean (Boot's own Hazelcast
 * auto-configuration makes one from {@code hazelcast.yaml}, {@code spring.hazelcast.config} or a
 * {@code Config} bean), the {@link ProcessExecutor} bean is a cluster executor: this member's own
 * pool, configured by {@code loky.*} as usual, plus the other members' pools. {@code @ProcessAsync}
 * calls go through it, so they are spread over the members too.
 *
 * <p>Runs before {@link LokyAutoConfiguration}, whose local pool then backs off, and never in a
 * worker JVM (where Boot's Hazelcast auto-configuration is skipped as well, so that workers never
 * join the cluster).
 */
@AutoConfiguration(before = LokyAutoConfiguration.class,
        afterName = "org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration")
@ConditionalOnClass({ClusterExecutors.class, HazelcastInstance.class})
@ConditionalOnNotWorkerProcess
@ConditionalOnBooleanProperty(name = "loky.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "loky.cluster.enabled")
@ConditionalOnBean(HazelcastInstance.class)
@EnableConfigurationProperties(LokyProperties.class)
public final class LokyClusterAutoConfiguration {

    LokyClusterAutoConfiguration() {
    }

    /** Closed by {@link LokyAutoConfiguration}'s closer, like the local pool it replaces (same bean name). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    ProcessExecutor lokyProcessExecutor(HazelcastInstance hazelcastInstance, LokyProperties properties,
            LokyPoolConfigBuilder builder) {
        String secret = properties.getCluster().getSecret();
        try {
            ClusterExecutors.checkSecret(secret);
        } catch (IllegalArgumentException ex) {
            throw new InvalidLokyPropertyException("loky.cluster.secret", secret == null ? "" : "(hidden)", ex.getMessage(),
                    "Set loky.cluster.secret to the same secret of at least 32 bytes on every member, base64 or hex, "
                            + "e.g. the output of `openssl rand -base64 32` (from an environment variable LOKY_CLUSTER_SECRET or a "
                            + "secret store, never committed). Without it the cluster cannot tell its members from anyone who "
                            + "reaches a Hazelcast port.");
        }
        ClusterExecutors.Routing routing = ClusterExecutors.Routing.valueOf(properties.getCluster().getRouting().name());
        return ClusterExecutors.create(hazelcastInstance,
                builder.build(), routing, secret);
    }

    /**
     * Hazelcast's own Java deserialization admits loky's message classes through an allow-list (on
     * the {@code Config} Boot builds the instance from; an application's own allow-list is kept).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HazelcastConfigCustomizer.class)
    static class SerializationFilterConfiguration {

        @Bean
        HazelcastConfigCustomizer lokyJavaSerializationFilter() {
            return ClusterExecutors::restrictJavaSerialization;
        }
    }
}
