package dev.loky;

import static dev.loky.support.PoolChecks.assertRunsNewTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** map / imap / imapUnordered: ordering, chunking, laziness, failures, progress. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MapTest {

    private static final List<Integer> TEN_THOUSAND = IntStream.range(0, 10_000).boxed().toList();
    private static final List<Integer> EXPECTED = IntStream.range(0, 10_000).map(i -> i * 2 + 1).boxed().toList();

    private ProcessExecutor pool;

    @BeforeAll
    void start() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("map").maxWorkers(2).build());
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void mapKeepsInputOrderWithAutomaticChunks() {
        assertThat(pool.map(i -> i * 2 + 1, TEN_THOUSAND)).isEqualTo(EXPECTED);
    }

    @Test
    void mapKeepsInputOrderWithExplicitChunks() {
        assertThat(pool.map(i -> i * 2 + 1, TEN_THOUSAND, MapOptions.defaults().chunkSize(7))).isEqualTo(EXPECTED);
        List<Integer> small = TEN_THOUSAND.subList(0, 300);
        assertThat(pool.map(i -> i * 2 + 1, small, MapOptions.defaults().chunkSize(1))).isEqualTo(EXPECTED.subList(0, 300));
        assertThat(pool.map(i -> i * 2 + 1, TEN_THOUSAND, MapOptions.defaults().chunkSize(20_000))).isEqualTo(EXPECTED);
    }

    @Test
    void mapOfAnIterableOfUnknownSizeKeepsOrder() {
        Iterable<Integer> lazy = () -> TEN_THOUSAND.iterator();
        assertThat(pool.map(i -> i * 2 + 1, lazy)).isEqualTo(EXPECTED);
    }

    @Test
    void mapOfNothingIsEmpty() {
        assertThat(pool.map(i -> i, Collections.<Integer>emptyList())).isEmpty();
        try (Stream<Integer> s = pool.imap(i -> i, Collections.<Integer>emptyList())) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void imapIsOrderedAndLazy() {
        AtomicLong pulled = new AtomicLong();
        Iterable<Long> endless = () -> new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Long next() {
                pulled.incrementAndGet();
                return next++;
            }
        };

        List<Long> firstTen;
        try (Stream<Long> results = pool.imap(x -> x * 3, endless)) {
            firstTen = results.limit(10).toList();
        }

        assertThat(firstTen).containsExactly(0L, 3L, 6L, 9L, 12L, 15L, 18L, 21L, 24L, 27L);
        assertThat(pulled.get()).as("items pulled from an endless input for 10 results").isLessThan(10_000);
        assertRunsNewTask(pool);
    }

    @Test
    void imapWithSmallChunksKeepsOrder() {
        List<Integer> items = TEN_THOUSAND.subList(0, 2_000);
        try (Stream<Integer> results = pool.imap(i -> i * 2 + 1, items, MapOptions.defaults().chunkSize(10))) {
            assertThat(results.toList()).isEqualTo(EXPECTED.subList(0, 2_000));
        }
    }

    @Test
    void imapUnorderedReturnsEveryResult() {
        List<Integer> results;
        try (Stream<Integer> s = pool.imapUnordered(i -> i * 2 + 1, TEN_THOUSAND.subList(0, 1_000),
                MapOptions.defaults().chunkSize(16))) {
            results = s.collect(Collectors.toCollection(ArrayList::new));
        }
        Collections.sort(results);
        assertThat(results).isEqualTo(EXPECTED.subList(0, 1_000));
    }

    @Test
    void anItemsExceptionSurfacesWithItsOriginalTypeFromMap() {
        assertThatThrownBy(() -> pool.map(MapTest::failOn537, TEN_THOUSAND.subList(0, 1_000),
                        MapOptions.defaults().chunkSize(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad item 537");
        assertRunsNewTask(pool);
    }

    @Test
    void anItemsExceptionSurfacesFromImapWhenItsChunkIsReached() {
        List<Integer> before = new ArrayList<>();
        try (Stream<Integer> results = pool.imap(MapTest::failOn537, TEN_THOUSAND.subList(0, 1_000),
                MapOptions.defaults().chunkSize(10))) {
            assertThatThrownBy(() -> results.forEach(before::add))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bad item 537");
        }
        // Failures are per item (docs/core.md, map): every result before the failing item arrives, in
        // order, including those of its own chunk (530..536), and none after it.
        assertThat(before).isEqualTo(TEN_THOUSAND.subList(0, 537));
        assertRunsNewTask(pool);
    }

    @Test
    void anItemsExceptionSurfacesFromImapUnordered() {
        try (Stream<Integer> results = pool.imapUnordered(MapTest::failOn537, TEN_THOUSAND.subList(0, 1_000),
                MapOptions.defaults().chunkSize(10))) {
            assertThatThrownBy(results::toList)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bad item 537");
        }
        assertRunsNewTask(pool);
    }

    @Test
    void progressListenerIsToldUpToTheTotal() {
        List<long[]> calls = Collections.synchronizedList(new ArrayList<>());
        List<Long> results = pool.map(x -> x + 1, LongStream.range(0, 1_000).boxed().toList(),
                MapOptions.defaults().chunkSize(50).progress((done, total) -> calls.add(new long[] {done, total})));

        assertThat(results).hasSize(1_000).startsWith(1L, 2L).endsWith(1_000L);
        await("the last progress call").atMost(Duration.ofSeconds(10))
                .until(() -> snapshot(calls).stream().anyMatch(c -> c[0] == 1_000));
        assertThat(snapshot(calls)).allSatisfy(c -> {
            assertThat(c[1]).as("total").isEqualTo(1_000);
            assertThat(c[0]).as("completed").isBetween(0L, 1_000L);
        });
        assertThat(snapshot(calls)).hasSizeGreaterThan(1);
    }

    private static List<long[]> snapshot(List<long[]> calls) {
        synchronized (calls) {
            return new ArrayList<>(calls);
        }
    }

    static Integer failOn537(Integer i) {
        if (i == 537) {
            throw new IllegalArgumentException("bad item " + i);
        }
        return i;
    }
}
