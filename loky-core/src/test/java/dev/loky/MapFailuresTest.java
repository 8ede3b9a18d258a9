package dev.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.loky.support.Futures;
import dev.loky.support.Tasks;

/**
 * DESIGN.md, map failures: per item, not per chunk; the failing item's index and the caller's
 * frames; a crash, OOM or timeout in a chunk fails only the running item and the chunk's other
 * items run again elsewhere; {@code failFast(false)} with {@link MapFailedException}; streams yield
 * every good result before throwing; progress counts succeeded, failed and cancelled items.
 */
class MapFailuresTest {

    private static final List<Integer> TWENTY = IntStream.range(0, 20).boxed().toList();

    private ProcessExecutor pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private ProcessExecutor pool(String... jvmArgs) {
        pool = ProcessExecutors.create(PoolConfig.builder().name("map-failures").maxWorkers(2)
                .jvmArgs(List.of(jvmArgs)).build());
        return pool;
    }

    @Test
    void aFailingItemNamesItsIndexAndCarriesTheCallersFrames() {
        pool();
        IllegalArgumentException error = catchThrowableOfType(
                () -> pool.map(MapFailuresTest::failOn3And13, TWENTY, MapOptions.defaults().chunkSize(5)),
                IllegalArgumentException.class);

        assertThat(error).hasMessage("bad item 3");
        assertThat(error.getStackTrace()).anySatisfy(f -> assertThat(f.getMethodName()).isEqualTo("failOn3And13"));
        assertThat(error.getSuppressed()).anySatisfy(s -> {
            assertThat(s.getMessage()).startsWith("item 3 of 20 of the map failed");
            assertThat(s.getStackTrace()).anySatisfy(f -> assertThat(f.getMethodName())
                    .isEqualTo("aFailingItemNamesItsIndexAndCarriesTheCallersFrames"));
        });
    }

    @Test
    void withoutFailFastMapRunsEveryItemAndKeepsEveryGoodResult() {
        pool();
        MapFailedException error = catchThrowableOfType(() -> pool.map(MapFailuresTest::failOn3And13, TWENTY,
                MapOptions.defaults().chunkSize(5).failFast(false)), MapFailedException.class);

        assertThat(error.failures()).containsOnlyKeys(3, 13);
        assertThat(error.failures().get(13)).isInstanceOf(IllegalArgumentException.class).hasMessage("bad item 13");
        assertThat(error.getMessage()).startsWith("2 of 20 items failed: item 3 (").contains("item 13 (");
        List<Object> expected = new ArrayList<>(TWENTY.stream().map(i -> (Object) (i * 10)).toList());
        expected.set(3, null);
        expected.set(13, null);
        assertThat(error.results()).isEqualTo(expected);
    }

    @Test
    void aWorkerExitInsideAChunkFailsOnlyThatItem() {
        pool();
        MapFailedException error = catchThrowableOfType(() -> pool.map(MapFailuresTest::exitOn7, TWENTY,
                MapOptions.defaults().chunkSize(5).failFast(false)), MapFailedException.class);

        assertThat(error.failures()).containsOnlyKeys(7);
        assertThat(error.failures().get(7)).isInstanceOf(TerminatedWorkerException.class)
                .hasMessageContaining("exit code 42");
        assertThat(error.failures().get(7).getSuppressed()).anySatisfy(s -> assertThat(s).hasMessageStartingWith("item 7 of 20"));
        assertThat(error.results()).hasSize(20).containsOnlyOnce((Object) null).element(8).isEqualTo(80);
    }

    @Test
    void anOutOfMemoryItemFailsOnlyItselfAndTheFailFastMapThrowsIt() {
        pool("-Xmx64m");
        Throwable error = catchThrowableOfType(() -> pool.map(MapFailuresTest::oomOn11, TWENTY,
                MapOptions.defaults().chunkSize(4)), Throwable.class);
        assertThat(Futures.chain(error)).contains("OutOfMemoryError");
        assertThat(Stream.concat(Stream.of(error), Arrays.stream(error.getSuppressed())).map(Throwable::getMessage))
                .as("the item is named by the error or a suppressed one").anyMatch(m -> m != null && m.startsWith("item 11 of 20"));

        MapFailedException slow = catchThrowableOfType(() -> pool.map(MapFailuresTest::oomOn11, TWENTY,
                MapOptions.defaults().chunkSize(4).failFast(false)), MapFailedException.class);
        assertThat(slow.failures()).containsOnlyKeys(11);
        assertThat(slow.results()).filteredOn(r -> r != null).hasSize(19);
    }

    @Test
    void aHangingItemTimesOutAloneAndTheChunksOtherItemsRunElsewhere() {
        pool();
        MapFailedException error = catchThrowableOfType(() -> pool.map(MapFailuresTest::hangOn5, TWENTY,
                MapOptions.defaults().chunkSize(10).taskTimeout(Duration.ofSeconds(3)).failFast(false)), MapFailedException.class);

        assertThat(error.failures()).containsOnlyKeys(5);
        assertThat(error.failures().get(5)).isInstanceOf(TaskTimeoutException.class);
        assertThat(error.results()).filteredOn(r -> r != null).hasSize(19);
    }

    @Test
    void imapYieldsEveryGoodResultAndThenThrows() {
        pool();
        for (boolean ordered : new boolean[] {true, false}) {
            MapOptions options = MapOptions.defaults().chunkSize(3).failFast(false);
            List<Object> seen = new ArrayList<>();
            try (Stream<Integer> results = ordered ? pool.imap(MapFailuresTest::failOn3And13, TWENTY, options)
                    : pool.imapUnordered(MapFailuresTest::failOn3And13, TWENTY, options)) {
                Iterator<Integer> it = results.iterator();
                assertThatThrownBy(() -> it.forEachRemaining(seen::add)).isInstanceOf(MapFailedException.class)
                        .satisfies(e -> assertThat(((MapFailedException) e).failures()).containsOnlyKeys(3, 13));
            }
            assertThat(seen).as("ordered %s", ordered).hasSize(18).doesNotContain(30, 130);
            if (ordered) {
                assertThat(seen).startsWith(0, 10, 20, 40);
            }
        }
    }

    @Test
    void progressCountsSucceededFailedAndCancelledItemsSeparately() {
        pool();
        List<long[]> events = Collections.synchronizedList(new ArrayList<>());
        ProgressListener listener = new ProgressListener() {
            @Override
            public void onProgress(long completed, long total) {
                throw new AssertionError("the pool calls the detailed form");
            }

            @Override
            public void onProgress(long succeeded, long failed, long cancelled, long total) {
                events.add(new long[] {succeeded, failed, cancelled, total});
            }
        };
        assertThatThrownBy(() -> pool.map(MapFailuresTest::failOn3And13, TWENTY,
                MapOptions.defaults().chunkSize(5).failFast(false).progress(listener))).isInstanceOf(MapFailedException.class);
        assertThat(events.get(events.size() - 1)).containsExactly(18, 2, 0, 20);

        events.clear();
        List<Integer> many = IntStream.range(0, 400).boxed().toList();
        assertThatThrownBy(() -> pool.map(MapFailuresTest::slowFailOn3, many, MapOptions.defaults().chunkSize(4).progress(listener)))
                .isInstanceOf(IllegalArgumentException.class);
        long[] last = events.get(events.size() - 1);
        assertThat(last[1]).as("failed").isEqualTo(1);
        assertThat(last[2]).as("cancelled").isPositive();
        assertThat(last[0] + last[1]).as("completed, not counting the cancelled").isLessThan(400);
        assertThat(events).allSatisfy(e -> assertThat(e[0] + e[1] + e[2]).isLessThanOrEqualTo(400));
    }

    static Integer failOn3And13(Integer i) {
        if (i == 3 || i == 13) {
            throw new IllegalArgumentException("bad item " + i);
        }
        return i * 10;
    }

    static Integer exitOn7(Integer i) {
        if (i == 7 && Tasks.inWorker()) {
            System.exit(42);
        }
        return i * 10;
    }

    static Integer oomOn11(Integer i) {
        if (i == 11) {
            Tasks.exhaustHeap(2L << 30);
        }
        return i * 10;
    }

    static Integer hangOn5(Integer i) {
        if (i == 5) {
            sleep(600_000);
        }
        return i * 10;
    }

    static Integer slowFailOn3(Integer i) {
        if (i == 3) {
            throw new IllegalArgumentException("bad item 3");
        }
        sleep(20);
        return i;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cancelled: stop quietly
        }
    }

}
