package dev.loky.internal.protocol;

import dev.loky.serialization.TaskSerializer;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Big values (a task with its captured arguments, a task's result) written straight to the channel
 * while they are serialized, and read straight from it into the deserializer, so that neither side
 * holds a serialized copy of the whole value.
 *
 * <p>The framing: a value larger than {@link #CHUNK_BYTES} travels as {@link FrameType#CHUNK} frames
 * (each an ordinary length-prefixed, CRC-checked frame carrying the task's id and up to
 * {@code CHUNK_BYTES} of the serialized stream) ended by one {@link FrameType#CHUNK_END}. If its
 * serialization fails midway the sender ends it with {@link FrameType#CHUNK_ABORT} instead: the
 * receiver drops what it read, only that task fails, and the channel stays in step. A small value
 * is not streamed at all: {@link #write} hands its bytes back for the ordinary frame (the fast path
 * of small tasks keeps its single frame).
 *
 * <p>Concurrency: {@link #write} holds the writer's lock for the whole value, so no other frame lands
 * inside it; {@link #read} runs on the one thread that reads the channel.
 */
public final class StreamedValues {

    /**
     * Size of a chunk, and the most a value may take to travel in one ordinary frame. Large enough
     * that the per-chunk cost (a 21-byte header, one write) is noise; small enough to be the only
     * buffer a big value needs on its way.
     */
    public static final int CHUNK_BYTES = 256 * 1024;

    private StreamedValues() {
    }

    /**
     * What {@link #write} did.
     *
     * @param small the value's bytes when it fit in one chunk: nothing was written, send them in an
     *        ordinary frame; else {@code null}
     * @param failure why the value could not be serialized (an abort marker was written); else {@code null}
     */
    public record Written(byte[] small, Throwable failure) {
    }

    /**
     * A value read from the channel.
     *
     * @param id the task id its chunks carried
     * @param value the value, when it was read whole
     * @param failure why it could not be read: the deserializer's error, or the sender's abort
     * @param aborted {@code true} when the sender aborted it (its side failed to serialize it)
     * @param bytes how many serialized bytes it had on the channel
     */
    public record Value(long id, Object value, Throwable failure, boolean aborted, long bytes) {
    }

    /**
     * Serializes {@code value}: into one buffer when it fits in a chunk (returned, nothing written),
     * otherwise straight into chunk frames on {@code writer} ended by an end marker, or by an abort
     * marker when serialization fails. Never leaves a value half-written. Does not flush.
     *
     * @throws IOException when the channel fails (the other side is gone)
     */
    public static Written write(FrameWriter writer, long id, Object value, TaskSerializer serializer) throws IOException {
        synchronized (writer) {
            ChunkOutputStream out = new ChunkOutputStream(writer, id, writer.chunkBuffer());
            Throwable failure = null;
            try {
                serializer.serialize(value, out);
            } catch (Throwable t) {
                failure = t;
            }
            if (out.channelError != null) {
                throw out.channelError;
            }
            if (failure != null) {
                writer.appendChunk(FrameType.CHUNK_ABORT, id, null, 0);
                return new Written(null, failure);
            }
            if (!out.started) {
                return new Written(Arrays.copyOf(out.buffer, out.count), null);
            }
            out.endChunks();
            if (out.channelError != null) {
                throw out.channelError;
            }
            return new Written(null, null);
        }
    }

    /**
     * Reads the value whose first frame is {@code first} (a {@link FrameType#isChunk() chunk-family}
     * frame just returned by {@link FrameReader#read()}) straight from the channel into the
     * deserializer, then skips to its end marker, so the channel is in step whatever the value did.
     *
     * @throws IOException when the channel fails or ends inside the value
     */
    public static Value read(FrameReader reader, Frame first, TaskSerializer serializer, ClassLoader loader) throws IOException {
        ChunkInputStream in = new ChunkInputStream(reader, first);
        Object value = null;
        Throwable failure = null;
        try {
            value = serializer.deserialize(in, loader);
        } catch (Throwable t) {
            failure = t;
        }
        if (in.channelError != null) {
            throw in.channelError;
        }
        in.drain();
        if (in.aborted) {
            return new Value(first.id(), null, new IOException("the sender could not serialize this value and aborted it"
                    + (failure == null ? "" : " (" + failure + ")")), true, in.bytes);
        }
        if (failure == null && in.hadTrailingBytes) {
            failure = new IOException("the value ended before its data did: it does not survive the trip");
            value = null;
        }
        return new Value(first.id(), value, failure, false, in.bytes);
    }

    /**
     * The value's serialized bytes if they take at most {@code limit} bytes, else {@code null}
     * (serialization stops at the limit, so a big value costs no copy here).
     *
     * @throws Exception what the serializer throws
     */
    public static byte[] serializeSmall(Object value, TaskSerializer serializer, int limit) throws Exception {
        BoundedBuffer out = new BoundedBuffer(limit);
        try {
            serializer.serialize(value, out);
        } catch (Exception | Error e) {
            if (out.overflowed) {
                return null;
            }
            throw e;
        }
        return out.overflowed ? null : Arrays.copyOf(out.bytes, out.count);
    }

    /** An output stream that takes at most a limit, then refuses. */
    private static final class BoundedBuffer extends OutputStream {
        private byte[] bytes = new byte[256];
        private int count;
        private final int limit;
        private boolean overflowed;

        BoundedBuffer(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (overflowed || count + len > limit) {
                overflowed = true;
                throw new IOException("larger than " + limit + " bytes: streamed instead");
            }
            if (count + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(count + len, bytes.length * 2)));
            }
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }
    }
}
