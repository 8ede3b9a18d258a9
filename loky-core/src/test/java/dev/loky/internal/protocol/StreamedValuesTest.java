package dev.loky.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loky.serialization.JavaTaskSerializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The chunked framing of big values, on in-memory channels: memory, abort, staying in step. */
class StreamedValuesTest {

    private static final int FIFTY_MB = 50 * 1000 * 1000;
    private static final JavaTaskSerializer SERIALIZER = JavaTaskSerializer.INSTANCE;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void writingFiftyMegabytesAllocatesNoCopyOfThem() throws IOException {
        byte[] payload = new byte[FIFTY_MB];
        new Random(1).nextBytes(payload);
        CountingSink sink = new CountingSink();
        FrameWriter writer = new FrameWriter(sink);
        StreamedValues.write(writer, 1, "warm-up", SERIALIZER); // the writer's one chunk buffer, class loading

        long before = allocated();
        StreamedValues.Written written = StreamedValues.write(writer, 7, payload, SERIALIZER);
        long allocatedBytes = allocated() - before;

        assertThat(written.small()).isNull();
        assertThat(written.failure()).isNull();
        assertThat(sink.bytes).isGreaterThan(FIFTY_MB);
        // a serialized copy would be 50 MB or more; the framing holds one 256 KiB chunk buffer
        assertThat(allocatedBytes).as("bytes allocated while writing 50 MB").isLessThan(4L << 20);
    }

    @Test
    void readingFiftyMegabytesAllocatesTheValueAndLittleElse() throws IOException {
        byte[] payload = new byte[FIFTY_MB];
        new Random(2).nextBytes(payload);
        ByteArrayOutputStream channel = new ByteArrayOutputStream(FIFTY_MB + (1 << 20));
        FrameWriter writer = new FrameWriter(channel);
        StreamedValues.write(writer, 7, payload, SERIALIZER);
        writer.write(FrameType.SHUTDOWN, 0, new byte[0]);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(channel.toByteArray()), line -> { });

        long before = allocated();
        Frame first = reader.read();
        StreamedValues.Value value = StreamedValues.read(reader, first, SERIALIZER, getClass().getClassLoader());
        long allocatedBytes = allocated() - before;

        assertThat(value.failure()).isNull();
        assertThat((byte[]) value.value()).isEqualTo(payload);
        assertThat(value.id()).isEqualTo(7);
        // the value itself (50 MB) and buffers; no frame-sized or whole-message copy on top
        assertThat(allocatedBytes).as("bytes allocated while reading 50 MB").isLessThan(FIFTY_MB + (4L << 20));
        assertThat(reader.read().type()).isEqualTo(FrameType.SHUTDOWN);
    }

    @Test
    void aSmallValueIsHandedBackForAnOrdinaryFrame() throws Exception {
        CountingSink sink = new CountingSink();
        StreamedValues.Written written = StreamedValues.write(new FrameWriter(sink), 3, "small", SERIALIZER);

        assertThat(written.small()).isNotNull();
        assertThat(sink.bytes).isZero();
        assertThat(StreamedValues.serializeSmall("small", SERIALIZER, StreamedValues.CHUNK_BYTES)).isEqualTo(written.small());
        assertThat(StreamedValues.serializeSmall(new byte[StreamedValues.CHUNK_BYTES], SERIALIZER, StreamedValues.CHUNK_BYTES)).isNull();
    }

    @Test
    void aValueThatFailsMidwayIsAbortedAndTheChannelStaysInStep() throws IOException {
        ByteArrayOutputStream channel = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(channel);
        StreamedValues.Written failed = StreamedValues.write(writer, 5, new FailsAfter(3 << 20), SERIALIZER);
        int afterAbort = channel.size();
        StreamedValues.write(writer, 6, new byte[1 << 20], SERIALIZER);

        assertThat(failed.failure()).isInstanceOf(NotSerializableException.class);
        assertThat(afterAbort).as("chunks were written before the failure").isGreaterThan(3 << 20);
        FrameReader reader = new FrameReader(new ByteArrayInputStream(channel.toByteArray()), line -> { });
        StreamedValues.Value aborted = StreamedValues.read(reader, reader.read(), SERIALIZER, null);
        assertThat(aborted.aborted()).isTrue();
        assertThat(aborted.id()).isEqualTo(5);
        StreamedValues.Value next = StreamedValues.read(reader, reader.read(), SERIALIZER, null);
        assertThat(next.id()).isEqualTo(6);
        assertThat((byte[]) next.value()).hasSize(1 << 20);
    }

    @Test
    void aValueThatCannotBeReadIsSkippedToItsEnd() throws IOException {
        ByteArrayOutputStream channel = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(channel);
        StreamedValues.write(writer, 5, new UnreadableAfter(2 << 20), SERIALIZER);
        writer.write(FrameType.SHUTDOWN, 0, new byte[0]);

        // a pipe cannot seek: skipping the rest must read it
        java.io.InputStream pipe = new java.io.FilterInputStream(new ByteArrayInputStream(channel.toByteArray())) {
            @Override
            public long skip(long n) throws IOException {
                throw new IOException("Illegal seek");
            }
        };
        FrameReader reader = new FrameReader(pipe, line -> { });
        StreamedValues.Value unreadable = StreamedValues.read(reader, reader.read(), SERIALIZER, null);
        assertThat(unreadable.aborted()).isFalse();
        assertThat(unreadable.failure()).hasMessageContaining("refuses to be read");
        assertThat(reader.read().type()).isEqualTo(FrameType.SHUTDOWN);
    }

    @Test
    void aChannelThatEndsInsideAValueFailsTheRead() throws IOException {
        ByteArrayOutputStream channel = new ByteArrayOutputStream();
        StreamedValues.write(new FrameWriter(channel), 5, new byte[2 << 20], SERIALIZER);
        byte[] cut = Arrays.copyOf(channel.toByteArray(), 1 << 20);

        FrameReader reader = new FrameReader(new ByteArrayInputStream(cut), line -> { });
        Frame first = reader.read();
        assertThatThrownBy(() -> StreamedValues.read(reader, first, SERIALIZER, null)).isInstanceOf(EOFException.class);
    }

    @Test
    void aChannelThatFailsWhileWritingIsNotAValueFailure() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        assertThatThrownBy(() -> StreamedValues.write(new FrameWriter(broken), 5, new byte[2 << 20], SERIALIZER))
                .isInstanceOf(IOException.class).hasMessage("Broken pipe");
    }

    /** Serializes {@code bytes} of data, then fails: what a value with a bad field deep inside does. */
    static final class FailsAfter implements Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] data;
        private final List<Object> rest = new ArrayList<>();

        FailsAfter(int bytes) {
            data = new byte[bytes];
            rest.add(new Object()); // not serializable
        }
    }

    /** Serializes fine, but its reading fails after its data. */
    static final class UnreadableAfter implements Serializable {
        private static final long serialVersionUID = 1L;
        private final byte[] data;

        UnreadableAfter(int bytes) {
            data = new byte[bytes];
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.writeInt(data.length);
            out.write(data);
            out.writeInt(42);
        }

        private void readObject(java.io.ObjectInputStream in) throws IOException {
            throw new java.io.InvalidObjectException("refuses to be read");
        }
    }

    /** Counts what it is given and keeps nothing. */
    private static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
