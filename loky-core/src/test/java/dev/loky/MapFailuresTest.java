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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.loky.support.Futures;
import dev.loky.support.Tasks;
import dev.loky.support.Pools;

/**
 * docs/core.md, map failures: per item, not per chunk; the failing item's index and the caller's
 * frames; a crash, OOM or timeout in a chunk fails only the running item and the chunk's other
 * items run again elsewhere; {@code failFast(false)} with {@link MapFailedException}; streams yield
 * every good result before throwing; progress counts succeeded, failed and cancelled items.
 */
class MapFailuresTest {

    private static final List<Integer> TWENTY = IntStream.range(0, 20).boxed().toList();

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    private ProcessExecutor pool(String... jvmArgs) {
        pool = pools.create(PoolConfig.builder().name("map-failures").maxWorkers(2)
                .jvmArgs(List.of(jvmArgs)).build());
        return pool;
    }

    /** docs/core.md: a failed item is named by its index and a short description of its value; describeItems(false) leaves the value out. */
    @Test
    void aFailedItemIsNamedByItsValueUnlessDescribeItemsIsOff() {
        pool();
        List<String> files = IntStream.range(0, 20).mapToObj(i -> String.format("scan-%04d.jpg", i)).toList();
        RemoteFunction<String, Integer> decode = name -> {
            if (name.endsWith("13.jpg")) {
                throw new IllegalStateException("not an image: " + name.length());
            }
            return name.length();
        };
        IllegalStateException named = catchThrowableOfType(() -> pool.map(decode, files), IllegalStateException.class);
        assertThat(named.getSuppressed()).anySatisfy(s -> assertThat(s).hasMessageStartingWith("item 13 (\"scan-0013.jpg\") of 20"));
        String longItem = "x".repeat(500);
        IllegalStateException cut = catchThrowableOfType(() -> pool.map(decode, List.of(longItem + "13.jpg")), IllegalStateException.class);
        assertThat(cut.getSuppressed()).anySatisfy(s -> assertThat(s.getMessage()).contains("(\"" + "x".repeat(80) + "...\")")
                .doesNotContain("x".repeat(81)));
        IllegalStateException secret = catchThrowableOfType(() -> pool.map(decode, files, MapOptions.defaults().describeItems(false)),
                IllegalStateException.class);
        assertThat(secret.getSuppressed()).anySatisfy(s -> assertThat(s).hasMessageStartingWith("item 13 of 20")
                .hasMessageNotContaining("scan-0013"));
    }

    /** docs/core.md: mapAll keeps everything, typed; imapIndexed joins an unordered stream back to its input. */
    @Test
    void mapAllKeepsEveryResultAndEveryFailureTyped() {
        pool();
        MapResult<Integer> all = pool.mapAll(MapFailuresTest::failOn3And13, TWENTY, MapOptions.defaults().chunkSize(5));
        assertThat(all.succeeded()).isEqualTo(18);
        assertThat(all.failed()).isEqualTo(2);
        assertThat(all.results()).hasSize(20);
        assertThat(all.results().get(3)).isNull();
        assertThat(all.results().get(4)).isEqualTo(failOn3And13(4));
        assertThat(all.failures()).containsOnlyKeys(3, 13);
        LokyException three = all.failures().get(3);
        assertThat(three).hasMessageStartingWith("item 3 (\"3\") of 20 failed: ").hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(three.getCause()).hasMessage("bad item 3");

        MapResult<Integer> clean = pool.mapAll(x -> x + 1, List.of(1, 2, 3));
        assertThat(clean.results()).containsExactly(2, 3, 4);
        assertThat(clean.failures()).isEmpty();
    }

    @Test
    void imapIndexedNamesEachResultsItem() {
        pool();
        List<String> words = List.of("alpha", "be", "gamma", "d", "epsilon", "zeta", "eta");
        try (Stream<Indexed<Integer>> results = pool.imapIndexed(String::length, words, MapOptions.defaults().chunkSize(2))) {
            List<Indexed<Integer>> all = results.toList();
            assertThat(all).hasSize(words.size());
            for (Indexed<Integer> r : all) {
                assertThat(r.value()).as("result %s", r).isEqualTo(words.get((int) r.index()).length());
            }
            assertThat(all.stream().map(Indexed::index).sorted().toList()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        }
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
            assertThat(s.getMessage()).startsWith("item 3 (\"3\") of 20 of the map failed");
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
        assertThat(error.failures().get(7).getSuppressed()).anySatisfy(s -> assertThat(s).hasMessageStartingWith("item 7 (\"7\") of 20"));
        assertThat(error.results()).hasSize(20).containsOnlyOnce((Object) null).element(8).isEqualTo(80);
    }

    @Test
    void anOutOfMemoryItemFailsOnlyItselfAndTheFailFastMapThrowsIt() {
        pool("-Xmx64m");
        Throwable error = catchThrowableOfType(() -> pool.map(MapFailuresTest::oomOn11, TWENTY,
                MapOptions.defaults().chunkSize(4)), Throwable.class);
        assertThat(Futures.chain(error)).contains("OutOfMemoryError");
        assertThat(Stream.concat(Stream.of(error), Arrays.stream(error.getSuppressed())).map(Throwable::getMessage))
                .as("the item is named by the error or a suppressed one").anyMatch(m -> m != null && m.startsWith("item 11 (\"11\") of 20"));

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
