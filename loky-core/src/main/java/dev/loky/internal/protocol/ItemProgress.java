package dev.loky.internal.protocol;

import java.nio.ByteBuffer;

/**
 * The payload of an {@link FrameType#ITEM_PROGRESS} frame: how far the running map chunk got.
 *
 * @param ran items of the chunk that ran so far
 * @param failed of those, items that failed
 */
public record ItemProgress(int ran, int failed) {

    private static final int BYTES = 2 * Integer.BYTES;

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putInt(ran).putInt(failed).array();
    }

    /** The figures in {@code payload}, or {@code null} for figures a worker could get wrong (or forge). */
    public static ItemProgress decode(byte[] payload) {
        if (payload.length != BYTES) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        int ran = b.getInt();
        int failed = b.getInt();
        return ran < 0 || failed < 0 || failed > ran ? null : new ItemProgress(ran, failed);
    }
}
