package dev.loky.internal.protocol;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes frames to a channel. Thread-safe: each frame is written whole under this writer's lock,
 * so frames from several threads never interleave.
 */
public final class FrameWriter {

    private final OutputStream out;
    private final byte[] header = new byte[FrameCodec.HEADER_BYTES];
    /** See {@link #chunkBuffer()}; guarded by this writer's lock. */
    private byte[] chunkBuffer;

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    public void write(FrameType type, long id, byte[] payload) throws IOException {
        synchronized (this) {
            append(type, id, payload);
            out.flush();
        }
    }

    /**
     * Writes a frame without flushing, so that several queued frames leave in one write; the
     * caller holds this writer's lock across its appends and the {@link #flush()} that ends them.
     */
    public void append(FrameType type, long id, byte[] payload) throws IOException {
        synchronized (this) {
            FrameCodec.writeHeader(header, type, id, payload.length);
            if (payload.length <= 8192) {
                byte[] whole = new byte[header.length + payload.length];
                System.arraycopy(header, 0, whole, 0, header.length);
                System.arraycopy(payload, 0, whole, header.length, payload.length);
                out.write(whole);
            } else {
                out.write(header);
                out.write(payload);
            }
        }
    }

    /**
     * Writes a {@link FrameType#CHUNK}-family frame from a part of {@code data}, without copying it;
     * the caller holds this writer's lock for the whole streamed value ({@link StreamedValues}).
     */
    void appendChunk(FrameType type, long id, byte[] data, int length) throws IOException {
        FrameCodec.writeHeader(header, type, id, length);
        out.write(header);
        if (length > 0) {
            out.write(data, 0, length);
        }
    }

    /** The buffer streamed values are cut into chunks with; one per writer, used under its lock. */
    byte[] chunkBuffer() {
        if (chunkBuffer == null) {
            chunkBuffer = new byte[StreamedValues.CHUNK_BYTES];
        }
        return chunkBuffer;
    }

    public void flush() throws IOException {
        synchronized (this) {
            out.flush();
        }
    }

    public void write(Frame frame) throws IOException {
        write(frame.type(), frame.id(), frame.payload());
    }

    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the other side is gone already
        }
    }
}
