package dev.loky.internal.protocol;

import java.util.zip.CRC32;

/**
 * The frame header: {@code magic(4) type(1) id(8) length(4) crc(4)}, big-endian. The magic marks a
 * frame's start and the CRC over the first 17 bytes proves it is one, so that stray bytes on the
 * channel (a JVM's fatal-error banner written to file descriptor 1, native code printing) are
 * recognised as such rather than trusted as a length.
 */
final class FrameCodec {

    static final int MAGIC = 0x4C4F4B59; // "LOKY"
    static final int HEADER_BYTES = 21;
    static final int CHECKED_BYTES = 17;
    /**
     * Largest payload of one frame: 64 MiB. Values above {@link StreamedValues#CHUNK_BYTES} travel as
     * chunks, so ordinary frames are far smaller; a header claiming more is a corrupt channel.
     */
    static final int MAX_PAYLOAD = 64 << 20;
    /** A payload's buffer starts at most this big and grows with the bytes that actually arrive. */
    static final int FIRST_BUFFER = 1 << 20;

    private FrameCodec() {
    }

    static void writeHeader(byte[] h, FrameType type, long id, int length) {
        putInt(h, 0, MAGIC);
        h[4] = (byte) type.ordinal();
        putLong(h, 5, id);
        putInt(h, 13, length);
        putInt(h, 17, crc(h));
    }

    static int crc(byte[] h) {
        CRC32 crc = new CRC32();
        crc.update(h, 0, CHECKED_BYTES);
        return (int) crc.getValue();
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static long getLong(byte[] b, int off) {
        return ((long) getInt(b, off) << 32) | (getInt(b, off + 4) & 0xFFFFFFFFL);
    }
}
