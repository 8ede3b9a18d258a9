package dev.loky.internal.protocol;

import java.io.IOException;
import java.io.InputStream;

/**
 * The data of one streamed value, read in place from the channel's buffer across its
 * {@link FrameType#CHUNK} frames up to the end marker: the deserializer reads the value with no
 * copy of the whole. A failure of the channel (it ended, or a frame of another value came) is kept
 * in {@link #channelError}, so {@link StreamedValues#read} tells it from the deserializer's own
 * failures. Only the channel's reader thread uses it.
 */
final class ChunkInputStream extends InputStream {

    private final FrameReader reader;
    private final long id;
    private boolean ended;
    boolean aborted;
    /** {@code true} when data was left after the deserializer finished. */
    boolean hadTrailingBytes;
    long bytes;
    IOException channelError;

    ChunkInputStream(FrameReader reader, Frame first) {
        this.reader = reader;
        this.id = first.id();
        accept(first.type());
    }

    private void accept(FrameType type) {
        if (type == FrameType.CHUNK_END) {
            ended = true;
        } else if (type == FrameType.CHUNK_ABORT) {
            ended = true;
            aborted = true;
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!advance()) {
            if (aborted) {
                throw new IOException("the sender aborted this value");
            }
            return -1;
        }
        try {
            int n = reader.readChunkData(b, off, len);
            bytes += n;
            return n;
        } catch (IOException e) {
            channelError = e;
            throw e;
        }
    }

    @Override
    public int available() {
        return ended ? 0 : reader.chunkRemaining;
    }

    /** Moves to a chunk with data left; {@code false} at the value's end. */
    private boolean advance() throws IOException {
        while (!ended && reader.chunkRemaining == 0) {
            try {
                int length = reader.nextHeader();
                if (reader.headerId != id || !reader.headerType.isChunk()) {
                    throw new IOException("protocol error: a " + reader.headerType + " frame for task " + reader.headerId
                            + " inside the streamed value of task " + id);
                }
                if (reader.headerType == FrameType.CHUNK) {
                    reader.chunkRemaining = length;
                } else if (length != 0) {
                    throw new IOException("protocol error: a " + reader.headerType + " frame with " + length + " bytes");
                } else {
                    accept(reader.headerType);
                }
            } catch (IOException e) {
                channelError = e;
                throw e;
            }
        }
        return !ended;
    }

    /** Skips to the value's end marker; throws when the channel fails meanwhile. */
    void drain() throws IOException {
        while (true) {
            if (reader.chunkRemaining > 0) {
                hadTrailingBytes = true;
                reader.skipChunkData();
            }
            if (!advance()) {
                return;
            }
        }
    }

    @Override
    public void close() {
        // the value's end is found by drain(); closing a deserializer must not end the channel
    }
}
