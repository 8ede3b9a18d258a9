package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.loky.support.Gate;
import dev.loky.support.Pids;
import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/** workerMaxTasks, environment, initializer, the worker marker property, snapshots. */
class WorkerLifecycleTest {

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    @Test
    void workerMaxTasksRecyclesAWorkerAfterThreeTasksWithoutFailingAny() {
        pool = pools.create(PoolConfig.builder().name("max-tasks").maxWorkers(1).workerMaxTasks(3).build());

        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            pids.add(value(pool.submit(Tasks::pid)));
        }

        assertThat(pids.subList(0, 3)).containsOnly(pids.get(0));
        assertThat(pids.subList(3, 6)).containsOnly(pids.get(3));
        assertThat(pids.subList(6, 9)).containsOnly(pids.get(6));
        assertThat(new HashSet<>(List.of(pids.get(0), pids.get(3), pids.get(6)))).hasSize(3);
        Pids.awaitGone(pids.get(0), pids.get(3));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PoolSnapshot.Counters counters = pool.snapshot().counters();
            assertThat(counters.restarts().get(RestartReason.MAX_TASKS.tag())).isGreaterThanOrEqualTo(2L);
            assertThat(counters.failed()).isZero();
            assertThat(counters.crashes()).isZero();
        });
    }

    @Test
    void workerMaxTasksUnderConcurrentLoadLosesNothing() {
        pool = pools.create(PoolConfig.builder().name("max-tasks-load").maxWorkers(2).workerMaxTasks(3).build());

        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            futures.add(pool.submit(Tasks::pid));
        }
        Set<Long> pids = new HashSet<>();
        for (CompletableFuture<Long> f : futures) {
            pids.add(value(f));
        }

        assertThat(pids).as("30 tasks at 3 per worker").hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void environmentAndInitializerReachEveryWorkerOnce() {
        pool = pools.create(PoolConfig.builder().name("env-init").maxWorkers(1)
                .environment(Map.of("LOKY_TEST_GREETING", "hello from the parent"))
                .initializer(Tasks::countInitialization)
                .build());

        for (int i = 0; i < 3; i++) {
            String seen = value(pool.submit(() -> System.getenv("LOKY_TEST_GREETING")
                    + "|" + System.getProperty("loky.test.initCount")
                    + "|" + System.getProperty("loky.test.initializedBy").equals(Long.toString(Tasks.pid()))));
            assertThat(seen).isEqualTo("hello from the parent|1|true");
        }
        assertThat(System.getenv("LOKY_TEST_GREETING")).as("the parent's own environment").isNull();
        assertThat(System.getProperty("loky.test.initCount")).as("the initializer never runs in the parent").isNull();
    }

    @Test
    void eachNewWorkerGetsTheInitializerAsItIsWhenThatWorkerStarts() {
        Greeting greeting = new Greeting("first");
        pool = pools.create(PoolConfig.builder().name("init-per-worker").maxWorkers(1).initializer(greeting).build());
        long first = value(pool.submit(Tasks::pid));
        assertThat(value(pool.submit(() -> System.getProperty("loky.test.greeting")))).isEqualTo("first");

        greeting.text = "learned later"; // e.g. which beans a Spring worker should create before it is ready
        ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
        Pids.awaitGone(first);

        assertThat(value(pool.submit(() -> System.getProperty("loky.test.greeting")))).isEqualTo("learned later");
        assertThat(value(pool.submit(Tasks::pid))).isNotEqualTo(first);
    }

    /** An initializer whose state the caller changes after the pool was created. */
    static final class Greeting implements RemoteRunnable {
        private static final long serialVersionUID = 1L;
        volatile String text;

        Greeting(String text) {
            this.text = text;
        }

        @Override
        public void run() {
            System.setProperty("loky.test.greeting", text);
        }
    }

    @Test
    void prestartStartsEveryWorkerBeforeAnyTask() {
        pool = pools.create(PoolConfig.builder().name("prestart").maxWorkers(2).prestart(true).build());

        await("prestarted workers").atMost(Duration.ofSeconds(30)).until(() -> pool.snapshot().liveWorkers() == 2);
        assertThat(pool.snapshot().counters().submitted()).isZero();
        assertThat(pool.snapshot().workers()).allSatisfy(w -> assertThat(Pids.isAlive(w.pid())).isTrue());
    }

    @Test
    void workersMarkThemselvesWithTheLokyWorkerProperty() {
        pool = pools.create(PoolConfig.builder().name("marker").maxWorkers(1).build());

        assertThat(value(pool.submit(() -> System.getProperty(Tasks.WORKER_PROPERTY)))).isEqualTo("true");
        assertThat(value(pool.submit(Tasks::pid))).isNotEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void snapshotShowsBusyAndIdleWorkersWithTheirPids(@TempDir Path dir) {
        pool = pools.create(PoolConfig.builder().name("snapshot").maxWorkers(2).build());
        Gate gate = Gate.in(dir, "snapshot");
        String started = gate.started("busy");
        String release = gate.release();
        CompletableFuture<Long> busy = pool.submit(() -> Tasks.holdUntil(started, release));
        long pid = gate.awaitStarted("busy");

        PoolSnapshot during = pool.snapshot();
        assertThat(during.state()).isEqualTo(PoolSnapshot.State.RUNNING);
        assertThat(during.startMethod()).isEqualTo(StartMethod.SPAWN);
        assertThat(during.maxWorkers()).isEqualTo(2);
        assertThat(during.busyWorkers()).isEqualTo(1);
        assertThat(during.workers()).anySatisfy(w -> {
            assertThat(w.pid()).isEqualTo(pid);
            assertThat(w.state()).isEqualTo(PoolSnapshot.WorkerState.BUSY);
            assertThat(w.currentTask()).isNotNull();
        });

        gate.open();
        value(busy);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(pool.snapshot().workers()).anySatisfy(w -> {
                    assertThat(w.pid()).isEqualTo(pid);
                    assertThat(w.state()).isEqualTo(PoolSnapshot.WorkerState.IDLE);
                    assertThat(w.currentTask()).isNull();
                    assertThat(w.tasksDone()).isEqualTo(1);
                    assertThat(w.uptime()).isPositive();
                }));
        assertThat(pool.snapshot().counters().submitted()).isEqualTo(1);
    }
}
