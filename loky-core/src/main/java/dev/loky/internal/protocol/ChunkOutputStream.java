package dev.loky.internal.protocol;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Cuts a serialized value into {@link FrameType#CHUNK} frames as it is written. Holds nothing but
 * its one chunk buffer. A failure of the channel is kept in {@link #channelError} (and rethrown), so
 * that {@link StreamedValues#write} tells it from the serializer's own failures whatever the
 * serializer does with the exception. Used under the writer's lock.
 */
final class ChunkOutputStream extends OutputStream {

    private final FrameWriter writer;
    private final long id;
    final byte[] buffer;
    int count;
    /** {@code true} once a chunk was written: the value is being streamed. */
    boolean started;
    IOException channelError;

    ChunkOutputStream(FrameWriter writer, long id, byte[] buffer) {
        this.writer = writer;
        this.id = id;
        this.buffer = buffer;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            writeChunk();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (count == buffer.length) {
                writeChunk();
            }
            int n = Math.min(len, buffer.length - count);
            System.arraycopy(b, off, buffer, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    private void writeChunk() throws IOException {
        if (channelError != null) {
            throw channelError;
        }
        try {
            writer.appendChunk(FrameType.CHUNK, id, buffer, count);
        } catch (IOException e) {
            channelError = e;
            throw e;
        }
        started = true;
        count = 0;
    }

    /** Writes the last chunk and the end marker. */
    void endChunks() {
        try {
            if (count > 0) {
                writeChunk();
            }
            writer.appendChunk(FrameType.CHUNK_END, id, null, 0);
        } catch (IOException e) {
            channelError = e;
        }
    }
}
