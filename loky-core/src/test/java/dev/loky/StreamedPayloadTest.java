package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.support.Pids;
import dev.loky.support.Tasks;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Big values travel as chunks written straight to the pipe (issue 12 §4), with real workers: they
 * arrive byte for byte; a value whose serialization fails after chunks were written fails that call
 * only and the same worker serves the next; a worker killed mid-transfer fails only that future.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamedPayloadTest {

    private static final int TWENTY_MB = 20 * 1000 * 1000;
    private static final int MIB = 1 << 20;

    private ProcessExecutor pool;

    @BeforeAll
    void start() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("streamed").maxWorkers(1).build());
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void twentyMegabytesThereAndBackByteForByte() {
        byte[] data = Tasks.pattern(TWENTY_MB, 12);

        byte[] echoed = value(pool.submit(() -> data));
        byte[] inverted = value(pool.submit(() -> Tasks.invert(data)));

        assertThat(echoed).isEqualTo(data);
        assertThat(inverted).isEqualTo(Tasks.invert(data));
    }

    @Test
    void anArgumentThatFailsToSerializeMidwayFailsThatCallOnly() {
        long worker = value(pool.submit(Tasks::pid));
        FailsMidway argument = new FailsMidway(4 * MIB);

        TaskSerializationException e = failure(pool.submit(() -> argument.a.length), TaskSerializationException.class);

        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.ARGUMENT_IN_PARENT);
        assertThat(e).hasMessageContaining("java.lang.Object");
        assertThat(value(pool.submit(Tasks::pid))).as("the same worker serves the next call").isEqualTo(worker);
        assertThat(value(pool.submit(() -> Tasks.invert(Tasks.pattern(MIB, 1))))).isEqualTo(Tasks.invert(Tasks.pattern(MIB, 1)));
    }

    @Test
    void aResultThatFailsToSerializeMidwayFailsThatCallOnly() {
        long worker = value(pool.submit(Tasks::pid));

        TaskSerializationException e = failure(pool.submit(() -> new FailsMidway(4 * MIB)), TaskSerializationException.class);

        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.RESULT_IN_WORKER);
        assertThat(value(pool.submit(Tasks::pid))).as("the same worker serves the next call").isEqualTo(worker);
        byte[] data = Tasks.pattern(2 * MIB, 3);
        assertThat(value(pool.submit(() -> data))).isEqualTo(data);
    }

    @Test
    void aResultThatCannotBeReadInTheCallerFailsThatCallOnly() {
        long worker = value(pool.submit(Tasks::pid));

        TaskSerializationException e = failure(pool.submit(() -> new UnreadableInCaller(4 * MIB)), TaskSerializationException.class);

        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.RESULT_IN_PARENT);
        assertThat(value(pool.submit(Tasks::pid))).as("the same worker serves the next call").isEqualTo(worker);
    }

    @Test
    void aWorkerKilledWhileSendingAResultFailsOnlyThatFuture() {
        long worker = value(pool.submit(Tasks::pid));

        TerminatedWorkerException e = failure(pool.submit(() -> new KillsItsWorkerMidway(3, 20)), TerminatedWorkerException.class);

        assertThat(e.pid()).isEqualTo(worker);
        assertThat(e.getMessage()).contains("SIGKILL");
        byte[] data = Tasks.pattern(2 * MIB, 4);
        assertThat(value(pool.submit(() -> data))).isEqualTo(data);
    }

    @Test
    void aWorkerKilledWhileReceivingAnArgumentFailsOnlyThatFuture() {
        long worker = value(pool.submit(Tasks::pid));
        KillsWorkerWhileSent argument = new KillsWorkerWhileSent(worker, 3, 40);

        TerminatedWorkerException e = failure(pool.submit(() -> argument.blocks), TerminatedWorkerException.class);

        assertThat(e.pid()).isEqualTo(worker);
        assertThat(argument.killed).as("the worker was killed from inside the transfer").isTrue();
        byte[] data = Tasks.pattern(2 * MIB, 5);
        assertThat(value(pool.submit(() -> data))).isEqualTo(data);
    }

    @Test
    void aStreamedArgumentTooBigForTheWorkersHeapIsAnOutOfMemoryThatReplacesTheWorker() {
        try (ProcessExecutor small = ProcessExecutors.create(PoolConfig.builder().name("streamed-oom").maxWorkers(1)
                .jvmArgs(List.of("-Xmx64m")).build())) {
            long before = value(small.submit(Tasks::pid));
            byte[] tooBig = new byte[80 * MIB];

            WorkerOutOfMemoryException e = failure(small.submit(() -> tooBig.length), WorkerOutOfMemoryException.class);

            assertThat(e).hasMessageContaining("(pid " + before + ")");
            assertThat(e.getCause()).isInstanceOf(OutOfMemoryError.class);
            long after = value(small.submit(Tasks::pid));
            assertThat(after).as("the worker was replaced").isNotEqualTo(before);
        }
    }

    /** Serializes {@code a} (megabytes of data), then hits a field that is not serializable. */
    static final class FailsMidway implements Serializable {
        private static final long serialVersionUID = 1L;
        // fields are written in name order: the data first, then the bad one
        final byte[] a;
        final List<Object> z = new ArrayList<>();

        FailsMidway(int bytes) {
            a = Tasks.pattern(bytes, 9);
            z.add(new Object());
        }
    }

    /** Travels, but its reading fails after all its data (only the caller reads results). */
    static final class UnreadableInCaller implements Serializable {
        private static final long serialVersionUID = 1L;
        final byte[] data;

        UnreadableInCaller(int bytes) {
            data = Tasks.pattern(bytes, 10);
        }

        private void readObject(ObjectInputStream in) throws IOException {
            throw new InvalidObjectException("refuses to be read");
        }
    }

    /** A result that SIGKILLs its own worker after {@code before} of its {@code total} 1 MiB blocks are written. */
    static final class KillsItsWorkerMidway implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int before;
        private final int total;

        KillsItsWorkerMidway(int before, int total) {
            this.before = before;
            this.total = total;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject(); // so the other side reads it as far as it gets: this tests the transfer, not the format
            byte[] block = new byte[MIB];
            for (int i = 0; i < total; i++) {
                if (i == before) {
                    out.flush();
                    Pids.kill9(ProcessHandle.current().pid());
                }
                out.write(block);
            }
        }
    }

    /**
     * An argument that SIGKILLs the worker after {@code before} of its {@code total} 1 MiB blocks
     * were written to it (that is, while the caller streams it), then goes on writing.
     */
    static final class KillsWorkerWhileSent implements Serializable {
        private static final long serialVersionUID = 1L;
        private final long worker;
        private final int before;
        final int blocks;
        transient volatile boolean killed;

        KillsWorkerWhileSent(long worker, int before, int blocks) {
            this.worker = worker;
            this.before = before;
            this.blocks = blocks;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject(); // so the other side reads it as far as it gets: this tests the transfer, not the format
            byte[] block = new byte[MIB];
            for (int i = 0; i < blocks; i++) {
                if (i == before) {
                    out.flush();
                    Pids.kill9(worker);
                    killed = true;
                }
                out.write(block);
            }
        }
    }
}
