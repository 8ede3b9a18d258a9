package dev.loky.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The parent's leak arithmetic, figure by figure (the worker-side figures are exercised with real workers elsewhere). */
class LeakDetectorTest {

    private static final long MB = 1024 * 1024;
    private final LeakDetector detector = new LeakDetector(100 * MB, 1);

    @Test
    void aHeapThatExpandedWithoutBeingTouchedIsNotNativeGrowth() {
        // The figures: reference with a big committed heap barely resident, then a touched heap.
        assertThat(detector.afterTask(247 * MB, 2 * MB, 60 * MB)).isNull();
        assertThat(detector.afterTask(247 * MB, 3 * MB, 283 * MB)).isNull();
    }

    @Test
    void nativeGrowthIsResidentOutsideTheHeapComparedWithTheSameAtReference() {
        assertThat(detector.afterTask(16 * MB, 2 * MB, 40 * MB)).isNull(); // 24 MB outside the heap
        assertThat(detector.afterTask(16 * MB, 2 * MB, 130 * MB)).isNull(); // 114 MB: grew by 90
        String leak = detector.afterTask(16 * MB, 2 * MB, 150 * MB); // 134 MB: grew by 110
        assertThat(leak).isEqualTo("its memory outside the heap grew by 110 MB to 134 MB (resident 150 MB less 16 MB "
                + "of committed heap) from 24 MB at its reference (threshold 100 MB)");
    }

    @Test
    void heapGrowthIsTheLiveHeapBetweenTasksOverItsReference() {
        assertThat(detector.afterTask(64 * MB, 2 * MB, -1)).isNull();
        assertThat(detector.afterTask(512 * MB, 101 * MB, -1)).isNull();
        assertThat(detector.afterTask(512 * MB, -1, -1)).as("no collection ran: no figure").isNull();
        assertThat(detector.afterTask(512 * MB, 103 * MB, -1)).startsWith("its heap still held 103 MB between tasks");
    }

    @Test
    void aWorkerThatReadsItsOwnResidentMemoryNeedsNoOshiCheck() {
        detector.afterTask(16 * MB, 2 * MB, 40 * MB);
        assertThat(detector.residentCheckDue()).isFalse();
        LeakDetector blind = new LeakDetector(100 * MB, 1);
        blind.afterTask(16 * MB, 2 * MB, -1);
        assertThat(blind.residentCheckDue()).isTrue();
    }
}
