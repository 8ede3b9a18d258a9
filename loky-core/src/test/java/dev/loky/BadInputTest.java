package dev.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad input fails fast with an IllegalArgumentException or NullPointerException whose message names
 * the argument and the value. None of this needs a worker, and none may start one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private ProcessExecutor spawn;
    private ProcessExecutor threads;

    @BeforeAll
    void start() {
        spawn = ProcessExecutors.create(PoolConfig.builder().name("bad-input").maxWorkers(1).build());
        threads = ProcessExecutors.create(PoolConfig.builder().name("bad-input-threads").maxWorkers(1)
                .startMethod(StartMethod.THREADS).build());
    }

    @AfterAll
    void stop() {
        spawn.shutdownNow();
        threads.shutdownNow();
    }

    @Test
    void poolConfigRejectsNonPositiveSizesAndDurations() {
        assertIllegal(() -> PoolConfig.builder().maxWorkers(0), "maxWorkers", "0");
        assertIllegal(() -> PoolConfig.builder().maxWorkers(-2), "maxWorkers", "-2");
        assertIllegal(() -> PoolConfig.builder().idleTimeout(Duration.ZERO), "idleTimeout", "PT0S");
        assertIllegal(() -> PoolConfig.builder().idleTimeout(Duration.ofSeconds(-1)), "idleTimeout", "-1");
        assertIllegal(() -> PoolConfig.builder().taskTimeout(Duration.ZERO), "taskTimeout", "PT0S");
        assertIllegal(() -> PoolConfig.builder().taskTimeout(Duration.ofMillis(-5)), "taskTimeout", "-0.005");
        assertIllegal(() -> PoolConfig.builder().startupTimeout(Duration.ofSeconds(-3)), "startupTimeout", "-3");
        assertIllegal(() -> PoolConfig.builder().cancelGracePeriod(Duration.ZERO), "cancelGracePeriod", "PT0S");
        assertIllegal(() -> PoolConfig.builder().memoryCheckInterval(Duration.ofSeconds(-1)), "memoryCheckInterval", "-1");
        assertIllegal(() -> PoolConfig.builder().workerMaxTasks(-1), "workerMaxTasks", "-1");
        assertIllegal(() -> PoolConfig.builder().memoryLeakThresholdBytes(0), "memoryLeakThresholdBytes", "0");
        assertIllegal(() -> PoolConfig.builder().jvmArgs(Arrays.asList("-Xmx64m", " ")), "jvmArgs", "-Xmx64m");
        assertNull(() -> PoolConfig.builder().idleTimeout(null), "idleTimeout");
        assertNull(() -> PoolConfig.builder().jvmArgs((List<String>) null), "jvmArgs");
        assertNull(() -> PoolConfig.builder().startMethod(null), "startMethod");
        assertThat(PoolConfig.builder().taskTimeout(null).build().taskTimeout()).as("null = no timeout").isNull();
    }

    @Test
    void mapOptionsRejectBadValues() {
        assertIllegal(() -> MapOptions.defaults().chunkSize(-1), "chunkSize", "-1");
        assertIllegal(() -> MapOptions.defaults().taskTimeout(Duration.ofSeconds(-2)), "taskTimeout", "-2");
        assertNull(() -> MapOptions.defaults().progress(null), "progress");
    }

    @Test
    void factoriesRejectBadValues() {
        assertIllegal(() -> ProcessExecutors.reusable(0, Duration.ofSeconds(1)), "maxWorkers", "0");
        assertIllegal(() -> ProcessExecutors.reusable(1, Duration.ofSeconds(-1)), "idleTimeout", "-1");
        assertNull(() -> ProcessExecutors.reusable(null), "config");
        assertNull(() -> ProcessExecutors.create(null), "config");
    }

    @Test
    void spawnPoolRejectsBadArguments() {
        rejectsBadArguments(spawn);
        assertThat(spawn.snapshot().workers()).as("bad input started no worker").isEmpty();
    }

    @Test
    void threadPoolRejectsBadArguments() {
        rejectsBadArguments(threads);
    }

    private static void rejectsBadArguments(ProcessExecutor pool) {
        assertNull(() -> pool.submit(null), "task");
        assertNull(() -> pool.submit(null, Duration.ofSeconds(1)), "task");
        assertNull(() -> pool.execute(null), "task");
        assertIllegal(() -> pool.submit(() -> 1, Duration.ZERO), "timeout", "PT0S");
        assertIllegal(() -> pool.submit(() -> 1, Duration.ofSeconds(-1)), "timeout", "-1");
        assertIllegal(() -> pool.resize(0), "maxWorkers", "0");
        assertIllegal(() -> pool.resize(-3), "maxWorkers", "-3");
        assertNull(() -> pool.map(null, List.of(1)), "function");
        assertNull(() -> pool.map(x -> x, null), "items");
        assertNull(() -> pool.map(x -> x, List.of(1), null), "options");
        assertNull(() -> pool.imap(null, List.of(1)), "function");
        assertNull(() -> pool.imap(x -> x, null), "items");
        assertNull(() -> pool.imapUnordered(null, List.of(1)), "function");
        assertNull(() -> pool.imapUnordered(x -> x, null), "items");
        assertNull(() -> pool.awaitTermination(null), "timeout");
        assertThat(pool.isShutdown()).isFalse();
        assertThat(pool.snapshot().counters().submitted()).isZero();
    }

    private static void assertIllegal(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String argument, String value) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(argument)
                .hasMessageContaining(value);
    }

    private static void assertNull(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String argument) {
        assertThatThrownBy(call).isInstanceOf(NullPointerException.class).hasMessageContaining(argument);
    }
}
