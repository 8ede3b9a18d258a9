package dev.loky.internal.protocol;

import java.nio.ByteBuffer;

/**
 * The payload of a worker's {@link FrameType#READY} frame: it has run its initializer and takes tasks.
 *
 * @param pid the worker's own process id
 * @param initNanos how long its initializer took (the pool's worker insights), or {@code -1} if unknown
 */
public record WorkerReady(long pid, long initNanos) {

    private static final int BYTES = 2 * Long.BYTES;

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putLong(pid).putLong(initNanos).array();
    }

    /**
     * The report in {@code payload}; a payload too short to hold one (an older or a hostile worker)
     * reads as a ready worker whose figures are unknown, {@code -1}: readiness is the frame itself.
     */
    public static WorkerReady decode(byte[] payload) {
        if (payload.length < BYTES) {
            return new WorkerReady(-1, -1);
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long pid = b.getLong();
        long init = b.getLong();
        return new WorkerReady(pid, init < 0 ? -1 : init);
    }
}
