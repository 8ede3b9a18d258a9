package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.loky.support.Pools;

/**
 * The snapshot's memory figures of real workers: the resident set, and the proportional set size
 * (pages shared with other processes counted as a share), which is what one more worker costs.
 */
class WorkerMemoryFiguresTest {

    @RegisterExtension
    final Pools pools = new Pools();

    @Test
    void eachWorkerHasItsResidentAndProportionalSetSize() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/smaps_rollup")), "needs Linux's smaps_rollup");
        ProcessExecutor pool = pools.create(PoolConfig.builder().name("pss").maxWorkers(2).prestart(true).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> pool.snapshot().workers().stream()
                .filter(w -> w.state() == PoolSnapshot.WorkerState.IDLE).count() == 2);
        assertThat(value(pool.submit(() -> 1))).isEqualTo(1);
        List<PoolSnapshot.Worker> workers = pool.snapshot().workers();
        for (PoolSnapshot.Worker w : workers) {
            System.out.printf("worker %d: rss %d KiB, pss %d KiB%n", w.pid(), w.rssBytes() / 1024, w.pssBytes() / 1024);
            assertThat(w.rssBytes()).isPositive();
            assertThat(w.pssBytes()).as("pss of %d", w.pid()).isPositive().isLessThanOrEqualTo(w.rssBytes());
        }
    }
}
