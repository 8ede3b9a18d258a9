package dev.loky.internal.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The payload of a worker's answer to a task ({@link FrameType#RESULT}, {@link FrameType#TASK_ERROR},
 * {@link FrameType#SERIALIZATION_ERROR}).
 *
 * @param heapUsedBytes the worker's heap in use after the task
 * @param heapCommittedBytes the worker's committed heap after the task
 * @param liveHeapBytes heap in use right after a full collection that the worker ran after this task
 *        (its first task, or growth over the leak threshold), less the bytes the worker held for the
 *        protocol, or {@code -1} when it ran none
 * @param residentBytes the worker's resident memory measured with {@code liveHeapBytes} (after the same
 *        collection), or {@code -1} when none ran or the worker cannot read its own
 * @param side for a serialization error, the {@link dev.loky.TaskSerializationException.Side} ordinal; else -1
 * @param outOfMemory the task failed with an {@link OutOfMemoryError}: the worker halts right after
 *        this reply ({@link ExitCodes#AFTER_OUT_OF_MEMORY}); decided by the worker, the one side that
 *        saw the error itself
 * @param value the serialized result, or the serialized exception (empty when it could not be serialized)
 * @param description for errors, a Java-serialized {@link ThrowableDescription}
 *        that the parent can always read; else empty
 */
public record TaskReply(long heapUsedBytes, long heapCommittedBytes, long liveHeapBytes, long residentBytes, int side, boolean outOfMemory,
        byte[] value, byte[] description) {

    /**
     * The {@link #value()} of a reply whose value went ahead as {@link StreamedValues streamed}
     * chunks (compared by identity; on the wire a length of -1).
     */
    public static final byte[] STREAMED = new byte[0];

    /** {@code true} when the value came ahead of this reply as chunks. */
    public boolean streamed() {
        return value == STREAMED;
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(48 + value.length + description.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(heapUsedBytes);
            out.writeLong(heapCommittedBytes);
            out.writeLong(liveHeapBytes);
            out.writeLong(residentBytes);
            out.writeByte(side);
            out.writeBoolean(outOfMemory);
            out.writeInt(value == STREAMED ? -1 : value.length);
            out.write(value);
            out.writeInt(description.length);
            out.write(description);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static TaskReply decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            long heap = in.readLong();
            long committed = in.readLong();
            long live = in.readLong();
            long resident = in.readLong();
            int side = in.readByte();
            boolean outOfMemory = in.readBoolean();
            int valueLength = in.readInt();
            byte[] value = valueLength == -1 ? STREAMED : new byte[valueLength];
            in.readFully(value);
            byte[] description = new byte[in.readInt()];
            in.readFully(description);
            return new TaskReply(heap, committed, live, resident, side, outOfMemory, value, description);
        }
    }
}
