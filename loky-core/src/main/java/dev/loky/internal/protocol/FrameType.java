package dev.loky.internal.protocol;

/** The kinds of frame on a worker's channel, with the direction each travels in. */
public enum FrameType {
    /** parent → worker: the worker's settings and initializer ({@link WorkerInit}). */
    INIT,
    /** worker → parent: initialized and waiting for tasks; payload: pid. */
    READY,
    /** worker → parent: the initializer or start-up failed; payload: UTF-8 description. */
    STARTUP_FAILED,
    /** parent → worker: run a task; payload: the serialized task. */
    TASK,
    /** worker → parent: a task's value; payload: {@link TaskReply}. */
    RESULT,
    /** worker → parent: a task threw; payload: {@link TaskReply}. */
    TASK_ERROR,
    /** worker → parent: a value could not be (de)serialized in the worker; payload: {@link TaskReply}. */
    SERIALIZATION_ERROR,
    /** parent → worker: interrupt the task with this id if it is running, drop it if queued. */
    CANCEL,
    /** parent → worker: exit after the current task. */
    SHUTDOWN,
    /**
     * either way: a piece of a big value (a task, or a task's result) written straight to the channel
     * while it is serialized; the id is its task's; see {@link StreamedValues}.
     */
    CHUNK,
    /** either way: the value whose {@link #CHUNK}s came before is complete; no payload. */
    CHUNK_END,
    /** either way: the sender failed to serialize the value midway; drop its chunks; no payload. */
    CHUNK_ABORT,
    /** worker → parent: still alive, from a thread of its own; no payload (see {@link WorkerInit#heartbeatIntervalMillis()}). */
    HEARTBEAT,
    /**
     * worker → parent: its memory-leak reference, measured once it is ready (after a full
     * collection); payload: {@link MemoryReference}. It comes before any reply measured against it.
     */
    MEMORY_REFERENCE,
    /**
     * worker → parent: a class the worker cannot load from its class path (a lambda from jshell, a
     * single-file program); id: the request's; payload: the class's binary name, UTF-8.
     */
    CLASS_REQUEST,
    /** parent → worker: the answer to a {@link #CLASS_REQUEST} of the same id; payload: {@link ClassAnswer}. */
    CLASS_BYTES,
    /**
     * worker → parent: how far the running task's items have got (a {@code map} chunk); id: the
     * task's; payload: items run, then items failed, two ints (see {@link BetweenItems}).
     */
    ITEM_PROGRESS;

    /** {@code true} for the frames of a streamed value ({@link StreamedValues}). */
    public boolean isChunk() {
        return this == CHUNK || this == CHUNK_END || this == CHUNK_ABORT;
    }

    private static final FrameType[] VALUES = values();

    /** The type with this ordinal, or {@code null}. */
    public static FrameType of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : null;
    }
}
