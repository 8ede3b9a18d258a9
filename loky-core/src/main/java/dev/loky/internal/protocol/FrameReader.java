package dev.loky.internal.protocol;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads frames from a channel, one thread at a time. Bytes that are not part of a valid frame are
 * <em>stray output</em>: they are handed, a line at a time, to the stray-output consumer, and the
 * reader resynchronises on the next valid header (magic and CRC both match).
 */
public final class FrameReader {

    private final PushbackInputStream in;
    private final Consumer<String> strayOutput;
    private final byte[] header = new byte[FrameCodec.HEADER_BYTES];
    private final ByteArrayOutputStream stray = new ByteArrayOutputStream();
    /** The last header's type and id ({@link #nextHeader()}). */
    FrameType headerType;
    long headerId;
    /** Bytes of the current {@link FrameType#CHUNK}'s data not yet read. */
    int chunkRemaining;
    /** {@code System.nanoTime()} of the last valid header read: what the parent's liveness check reads. */
    private volatile long lastFrameNanos = System.nanoTime();

    /**
     * @param in the channel
     * @param strayOutput receives stray text line by line (may be called with a partial last line at EOF)
     */
    public FrameReader(InputStream in, Consumer<String> strayOutput) {
        this.in = new PushbackInputStream(new BufferedInputStream(in, 1 << 16), FrameCodec.HEADER_BYTES);
        this.strayOutput = strayOutput;
    }

    /**
     * The next frame. A {@link FrameType#isChunk() chunk-family} frame comes back with an empty
     * payload and its data left in the channel: hand it to {@link StreamedValues#read}, which reads
     * the value in place (if nobody does, the next call skips it).
     *
     * @throws EOFException when the channel ends
     * @throws IOException when it fails, or a frame's length is impossible
     */
    public Frame read() throws IOException {
        skipChunkData();
        int length = nextHeader();
        if (headerType.isChunk()) {
            // A streamed value's data is left in the channel for StreamedValues to read in place.
            chunkRemaining = length;
            return Frame.of(headerType, headerId);
        }
        return new Frame(headerType, headerId, readPayload(length));
    }

    /** When the last valid frame header arrived ({@code System.nanoTime()}); any thread. */
    public long lastFrameNanos() {
        return lastFrameNanos;
    }

    /**
     * Reads up to {@code len} bytes of the current chunk's data straight into {@code b}; the caller
     * checked that some remain ({@link #chunkRemaining}).
     */
    int readChunkData(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, Math.min(len, chunkRemaining));
        if (n < 0) {
            throw new EOFException("channel closed inside a frame");
        }
        chunkRemaining -= n;
        return n;
    }

    /** Skips what is left of the current chunk's data (a streamed value nobody read to its end). */
    void skipChunkData() throws IOException {
        // read, not skip: a pipe cannot seek ("Illegal seek")
        byte[] scratch = chunkRemaining > 0 ? new byte[Math.min(chunkRemaining, 8192)] : null;
        while (chunkRemaining > 0) {
            readChunkData(scratch, 0, scratch.length);
        }
    }

    /**
     * Reads the next valid header (skipping stray output), sets {@link #headerType} and
     * {@link #headerId}, and returns the payload's length; the payload itself is not read.
     */
    int nextHeader() throws IOException {
        int filled = 0;
        while (true) {
            // Slide until the first 4 bytes are the magic.
            while (filled < 4) {
                int b = in.read();
                if (b < 0) {
                    flushStray(filled);
                    throw new EOFException("channel closed");
                }
                header[filled++] = (byte) b;
                if (filled == 4 && FrameCodec.getInt(header, 0) != FrameCodec.MAGIC) {
                    strayByte(header[0]);
                    System.arraycopy(header, 1, header, 0, 3);
                    filled = 3;
                }
            }
            readFully(header, 4, FrameCodec.HEADER_BYTES - 4);
            if (FrameCodec.getInt(header, 17) != FrameCodec.crc(header)) {
                // Not a frame after all: treat the magic's first byte as stray and rescan the rest.
                strayByte(header[0]);
                in.unread(header, 1, FrameCodec.HEADER_BYTES - 1);
                filled = 0;
                continue;
            }
            flushStray(0);
            lastFrameNanos = System.nanoTime();
            FrameType type = FrameType.of(header[4]);
            long id = FrameCodec.getLong(header, 5);
            int length = FrameCodec.getInt(header, 13);
            if (type == null || length < 0 || length > FrameCodec.MAX_PAYLOAD) {
                throw new IOException("corrupt frame header: type " + header[4] + ", length " + length);
            }
            headerType = type;
            headerId = id;
            return length;
        }
    }

    /**
     * Reads a payload of {@code length} bytes into a buffer that grows with the data that arrives,
     * so a header that claims megabytes and sends nothing costs no more than it sent.
     */
    private byte[] readPayload(int length) throws IOException {
        byte[] payload = new byte[Math.min(length, FrameCodec.FIRST_BUFFER)];
        int done = 0;
        while (done < length) {
            if (done == payload.length) {
                payload = java.util.Arrays.copyOf(payload, (int) Math.min(length, 2L * payload.length));
            }
            int n = in.read(payload, done, payload.length - done);
            if (n < 0) {
                throw new EOFException("channel closed inside a frame");
            }
            done += n;
        }
        return payload;
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException("channel closed inside a frame");
            }
            done += n;
        }
    }

    private void strayByte(byte b) {
        if (b == '\n') {
            emitStray();
        } else {
            stray.write(b);
            if (stray.size() >= 4096) {
                emitStray();
            }
        }
    }

    private void flushStray(int pendingHeaderBytes) {
        for (int i = 0; i < pendingHeaderBytes; i++) {
            strayByte(header[i]);
        }
        if (stray.size() > 0) {
            emitStray();
        }
    }

    private void emitStray() {
        String line = stray.toString(StandardCharsets.UTF_8);
        stray.reset();
        strayOutput.accept(line);
    }
}
