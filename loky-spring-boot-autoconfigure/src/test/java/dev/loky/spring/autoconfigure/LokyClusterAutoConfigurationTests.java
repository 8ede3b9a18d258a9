package dev.loky.spring.autoconfigure;

import dev.loky.cluster.LoopbackHazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.loky.ClusterMemberLostException;
import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.StartMethod;
import dev.loky.cluster.ClusterExecutors;
import dev.loky.spring.LokyProperties;
import dev.loky.spring.ProcessAsync;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code loky.cluster.*} with Boot's own Hazelcast auto-configuration (a {@link Config} bean) and
 * in-JVM members; pools run on threads so that a task's thread name tells its member.
 */
class LokyClusterAutoConfigurationTests {

    private static final int BASE_PORT = 5951;
    /** The members' shared secret (32 bytes, hex). */
    static final String SECRET = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HazelcastAutoConfiguration.class, LokyClusterAutoConfiguration.class,
                    LokyAutoConfiguration.class, JacksonAutoConfiguration.class))
            .withPropertyValues("loky.start-method=threads", "loky.max-workers=1");

    private static String clusterName() {
        return "spring-" + System.nanoTime();
    }

    @Test
    void clusterIsOffByDefault() {
        runner.withBean(Config.class, () -> LoopbackHazelcast.config(clusterName(), BASE_PORT, 1)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(HazelcastInstance.class);
            assertThat(ClusterExecutors.isCluster(context.getBean(ProcessExecutor.class))).isFalse();
            assertThat(context.getBean(LokyProperties.class).getCluster().getRouting()).isEqualTo(LokyProperties.Cluster.Routing.LOCAL_FIRST);
        });
    }

    @Test
    void enabledWithoutAHazelcastInstanceKeepsTheLocalPool() {
        runner.withPropertyValues("loky.cluster.enabled=true", "loky.cluster.secret=" + SECRET).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(HazelcastInstance.class);
            assertThat(ClusterExecutors.isCluster(context.getBean(ProcessExecutor.class))).isFalse();
        });
    }

    @Test
    void enabledWithoutLokyHazelcastOnTheClasspathKeepsTheLocalPool() {
        runner.withClassLoader(new FilteredClassLoader(ClusterExecutors.class))
                .withBean(Config.class, () -> LoopbackHazelcast.config(clusterName(), BASE_PORT, 1))
                .withPropertyValues("loky.cluster.enabled=true", "loky.cluster.secret=" + SECRET).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(LokyClusterAutoConfiguration.class);
                    assertThat(context.getBean(ProcessExecutor.class).getClass().getName()).doesNotContain("Cluster");
                });
    }

    @Test
    void enabledWithAHazelcastInstanceMakesTheExecutorBeanAClusterExecutor() {
        runner.withBean(Config.class, () -> LoopbackHazelcast.config(clusterName(), BASE_PORT, 1))
                .withPropertyValues("loky.cluster.enabled=true", "loky.cluster.secret=" + SECRET, "loky.cluster.routing=least-loaded").run(context -> {
                    assertThat(context).hasNotFailed();
                    ProcessExecutor executor = context.getBean(ProcessExecutor.class);
                    assertThat(ClusterExecutors.isCluster(executor)).isTrue();
                    assertThat(context).hasSingleBean(ProcessExecutorCloser.class);
                    assertThat(context.getBean(LokyProperties.class).getCluster().getRouting()).isEqualTo(LokyProperties.Cluster.Routing.LEAST_LOADED);
                    assertThat(executor.submit(() -> 6 * 7).get(30, TimeUnit.SECONDS)).isEqualTo(42);
                    assertThat(ClusterExecutors.members(executor)).singleElement().satisfies(m -> assertThat(m.local()).isTrue());
                });
    }

    @Test
    void anUnknownRoutingFailsStartup() {
        runner.withBean(Config.class, () -> LoopbackHazelcast.config(clusterName(), BASE_PORT, 1))
                .withPropertyValues("loky.cluster.enabled=true", "loky.cluster.secret=" + SECRET, "loky.cluster.routing=nearest").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("nearest");
                });
    }

    /**
     * Two calls land on another member (it has more idle workers), which then leaves: the idempotent
     * call is sent again and completes here; the other fails with ClusterMemberLostException.
     */
    @Test
    void idempotentCallsAreRetriedOnAnotherMemberWhenTheirMemberLeaves() {
        String cluster = clusterName();
        runner.withBean(Config.class, () -> LoopbackHazelcast.config(cluster, BASE_PORT, 2))
                .withUserConfiguration(SlowServiceConfig.class)
                .withPropertyValues("loky.cluster.enabled=true", "loky.cluster.secret=" + SECRET, "loky.cluster.routing=least-loaded").run(context -> {
                    assertThat(context).hasNotFailed();
                    ProcessExecutor executor = context.getBean(ProcessExecutor.class);
                    HazelcastInstance other = Hazelcast.newHazelcastInstance(LoopbackHazelcast.config(cluster, BASE_PORT, 2));
                    ProcessExecutor otherPool = ClusterExecutors.create(other, PoolConfig.builder().name("other")
                            .startMethod(StartMethod.THREADS).maxWorkers(3).build(), SECRET);
                    try {
                        await().atMost(Duration.ofSeconds(20)).until(() -> ClusterExecutors.members(executor).stream()
                                .filter(ClusterExecutors.Member::reachable).count() == 2);
                        SlowService service = context.getBean(SlowService.class);
                        CompletableFuture<String> idempotent = service.idempotent();
                        CompletableFuture<String> plain = service.plain();
                        await().atMost(Duration.ofSeconds(10)).until(() -> otherPool.snapshot().busyWorkers() == 2);
                        other.getLifecycleService().terminate();
                        assertThat(idempotent.get(30, TimeUnit.SECONDS)).doesNotStartWith("other-");
                        assertThatThrownBy(() -> plain.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                                .cause().isInstanceOf(ClusterMemberLostException.class);
                    } finally {
                        otherPool.shutdownNow();
                        other.getLifecycleService().terminate();
                    }
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class SlowServiceConfig {

        @Bean
        SlowService slowService() {
            return new SlowService();
        }
    }

    public static class SlowService {

        @ProcessAsync(idempotent = true)
        public CompletableFuture<String> idempotent() throws InterruptedException {
            Thread.sleep(2_000);
            return CompletableFuture.completedFuture(Thread.currentThread().getName());
        }

        @ProcessAsync
        public CompletableFuture<String> plain() throws InterruptedException {
            Thread.sleep(2_000);
            return CompletableFuture.completedFuture(Thread.currentThread().getName());
        }
    }

    @Test
    void aMissingOrShortSecretFailsStartupNamingTheProperty() {
        runner.withBean(Config.class, () -> LoopbackHazelcast.config(clusterName(), BASE_PORT, 1))
                .withPropertyValues("loky.cluster.enabled=true").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(dev.loky.spring.InvalidLokyPropertyException.class)
                            .hasMessageContaining("loky.cluster.secret");
                });
        runner.withBean(Config.class, () -> LoopbackHazelcast.config(clusterName(), BASE_PORT, 1))
                .withPropertyValues("loky.cluster.enabled=true", "loky.cluster.secret=c2hvcnQ=").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("fewer than the 32 required");
                });
    }
}
