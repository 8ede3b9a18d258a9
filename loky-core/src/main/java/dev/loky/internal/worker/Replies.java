package dev.loky.internal.worker;

import dev.loky.TaskSerializationException;
import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.FrameWriter;
import dev.loky.internal.protocol.TaskReply;
import dev.loky.internal.protocol.ThrowableDescription;
import dev.loky.serialization.JavaTaskSerializer;
import dev.loky.serialization.TaskSerializer;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * A worker's answers to its tasks: a result, the task's own exception, or a serialization failure,
 * each with this worker's memory figures after the task ({@link TaskReply}), and whether it ran out
 * of memory, which only the worker can tell for certain. Thread-safe: frames are written whole
 * under the writer's lock; the figures are read by the task thread that answers.
 */
final class Replies {

    private final FrameWriter writer;
    private final HeapWatch heapWatch;
    /** Bytes this worker holds for the protocol (tasks queued ahead), not counted as the task's memory. */
    private final LongSupplier heldForProtocol;
    private final WorkerExit exit;

    Replies(FrameWriter writer, HeapWatch heapWatch, LongSupplier heldForProtocol, WorkerExit exit) {
        this.exit = exit;
        this.writer = writer;
        this.heapWatch = heapWatch;
        this.heldForProtocol = heldForProtocol;
    }

    /** The task's result: the value's bytes, or {@link TaskReply#STREAMED} when they went ahead as chunks. */
    void result(long id, byte[] value) {
        send(writer, exit, FrameType.RESULT, id, reply(-1, false, value, new byte[0]));
    }

    /** The task threw {@code failure}: sent as itself if it serializes, and always described. */
    void error(long id, Throwable failure, TaskSerializer serializer) {
        byte[] exception;
        try {
            exception = serializer.serialize(failure);
        } catch (Throwable t) {
            exception = new byte[0];
        }
        send(writer, exit, FrameType.TASK_ERROR, id, reply(-1, failure instanceof OutOfMemoryError, exception, describe(failure)));
    }

    /** The task's argument could not be read here, or its result not written. */
    void serializationError(long id, TaskSerializationException.Side side, Throwable cause) {
        send(writer, exit, FrameType.SERIALIZATION_ERROR, id, reply(side.ordinal(), false, new byte[0], describe(cause)));
    }

    /** Writes one frame; a worker whose parent is gone halts. */
    static void send(FrameWriter writer, WorkerExit exit, FrameType type, long id, byte[] payload) {
        try {
            writer.write(type, id, payload);
        } catch (IOException e) {
            // The parent is gone.
            exit.halt(0);
        }
    }

    private static byte[] describe(Throwable t) {
        try {
            return JavaTaskSerializer.INSTANCE.serialize(ThrowableDescription.of(t));
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /**
     * A reply with this worker's memory figures after the task (collecting first when
     * {@link HeapWatch} says so). By now the task's argument, task object and result are
     * unreachable; what the worker still holds for the protocol (this reply's bytes, tasks queued
     * ahead) is subtracted, so only memory the task's code kept is counted.
     */
    private byte[] reply(int side, boolean outOfMemory, byte[] value, byte[] description) {
        long held = value.length + description.length + heldForProtocol.getAsLong();
        HeapWatch.Figures figures = heapWatch.afterTask(held);
        Runtime rt = Runtime.getRuntime();
        long committed = rt.totalMemory();
        return new TaskReply(committed - rt.freeMemory(), figures.liveHeap() < 0 ? committed : figures.committedHeap(),
                figures.liveHeap(), figures.resident(), side, outOfMemory, value, description).encode();
    }
}
