package dev.loky.internal.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The payload of the {@link FrameType#INIT} frame: everything a worker needs before its first task.
 *
 * @param workerId the pool-local worker number
 * @param parentPid the parent's pid, watched so that the worker exits when the parent is gone
 * @param poolName the pool's name, for log lines
 * @param serializerClass the {@link dev.loky.serialization.TaskSerializer} class to build
 * @param initializer the serialized initializer, or an empty array
 * @param memoryCheckIntervalMillis at most one memory check per this interval
 * @param leakThresholdBytes heap growth over the reference that makes the worker collect and
 *        report its live heap; {@code 0} when leak protection is off
 * @param heartbeatIntervalMillis how often the worker sends a {@link FrameType#HEARTBEAT}
 */
public record WorkerInit(int workerId, long parentPid, String poolName, String serializerClass, byte[] initializer,
        long memoryCheckIntervalMillis, long leakThresholdBytes, long heartbeatIntervalMillis) {

    /**
     * Set ({@code -Dloky.worker.recording=true}) on a worker that records a start-up cache as it
     * exits: it runs its initializer's {@link dev.loky.AfterReadyWarmUp warm-up} before it reports
     * ready, since the pool retires a recorder at ready and the warm-up's classes belong in the cache.
     */
    public static final String RECORDING_PROPERTY = "loky.worker.recording";

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + initializer.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(workerId);
            out.writeLong(parentPid);
            out.writeUTF(poolName);
            out.writeUTF(serializerClass);
            out.writeLong(memoryCheckIntervalMillis);
            out.writeLong(leakThresholdBytes);
            out.writeLong(heartbeatIntervalMillis);
            out.writeInt(initializer.length);
            out.write(initializer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static WorkerInit decode(byte[] payload) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int workerId = in.readInt();
            long parentPid = in.readLong();
            String poolName = in.readUTF();
            String serializerClass = in.readUTF();
            long interval = in.readLong();
            long threshold = in.readLong();
            long heartbeat = in.readLong();
            byte[] initializer = new byte[in.readInt()];
            in.readFully(initializer);
            return new WorkerInit(workerId, parentPid, poolName, serializerClass, initializer, interval, threshold, heartbeat);
        }
    }
}
