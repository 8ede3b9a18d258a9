package dev.loky.internal.protocol;

import java.nio.ByteBuffer;

/**
 * A worker's memory-leak reference, taken once it is ready: its live heap after a full collection,
 * its committed heap, and its resident memory at the same instant ({@code -1} where it cannot read it).
 *
 * @param liveHeap live heap bytes after the collection
 * @param committedHeap committed heap bytes
 * @param resident resident bytes, or {@code -1}
 */
public record MemoryReference(long liveHeap, long committedHeap, long resident) {

    private static final int BYTES = 3 * Long.BYTES;

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putLong(liveHeap).putLong(committedHeap).putLong(resident).array();
    }

    /** The reference in {@code payload}, or {@code null} if it is not one. */
    public static MemoryReference decode(byte[] payload) {
        if (payload.length != BYTES) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        MemoryReference r = new MemoryReference(b.getLong(), b.getLong(), b.getLong());
        return r.liveHeap < 0 || r.committedHeap < 0 ? null : r;
    }
}
