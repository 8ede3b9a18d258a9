package dev.loky.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The channel's decoding of what a worker reports, without a worker JVM: each report is encoded by
 * the worker and decoded by the parent through the same record, and bytes a worker could get wrong
 * (or forge) decode to "unknown" or to nothing, never to an exception on the parent's reader thread.
 */
class ReportsDecodingTest {

    @Test
    void aReadyReportRoundTripsAndAShortOneIsReadyWithUnknownFigures() {
        assertThat(WorkerReady.decode(new WorkerReady(4242, 1_500_000L).encode())).isEqualTo(new WorkerReady(4242, 1_500_000L));
        assertThat(WorkerReady.decode(new byte[3])).isEqualTo(new WorkerReady(-1, -1));
        assertThat(WorkerReady.decode(new WorkerReady(7, -99).encode()).initNanos()).isEqualTo(-1);
    }

    @Test
    void itemProgressRoundTripsAndImpossibleFiguresAreDropped() {
        assertThat(ItemProgress.decode(new ItemProgress(12, 3).encode())).isEqualTo(new ItemProgress(12, 3));
        assertThat(ItemProgress.decode(new ItemProgress(2, 3).encode())).as("more failed than ran").isNull();
        assertThat(ItemProgress.decode(new ItemProgress(-1, 0).encode())).isNull();
        assertThat(ItemProgress.decode(new byte[7])).isNull();
    }

    @Test
    void aTaskReplyCarriesItsFiguresTheWorkersOutOfMemoryVerdictAndAStreamedValueMark() throws Exception {
        TaskReply reply = TaskReply.decode(new TaskReply(1, 2, 3, 4, -1, true, new byte[] {9}, new byte[] {8, 7}).encode());
        assertThat(reply.heapUsedBytes()).isEqualTo(1);
        assertThat(reply.residentBytes()).isEqualTo(4);
        assertThat(reply.outOfMemory()).isTrue();
        assertThat(reply.value()).containsExactly(9);
        assertThat(reply.description()).containsExactly(8, 7);
        assertThat(reply.streamed()).isFalse();

        TaskReply streamed = TaskReply.decode(new TaskReply(1, 2, -1, -1, -1, false, TaskReply.STREAMED, new byte[0]).encode());
        assertThat(streamed.streamed()).isTrue();
        assertThat(streamed.outOfMemory()).isFalse();
    }

    @Test
    void aMemoryReferenceWithNegativeHeapFiguresIsNone() {
        assertThat(MemoryReference.decode(new MemoryReference(10, 20, -1).encode())).isEqualTo(new MemoryReference(10, 20, -1));
        assertThat(MemoryReference.decode(new MemoryReference(-5, 20, 30).encode())).isNull();
        assertThat(MemoryReference.decode(new byte[5])).isNull();
    }
}
