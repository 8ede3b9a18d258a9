package dev.loky.serialization;

/**
 * Writes tasks, their arguments and their results to bytes and back: the analogue of loky's
 * pluggable pickler. The parent and every worker each hold one instance; a worker builds its own
 * from the class name with the public no-argument constructor, so implementations need one and
 * must be thread-safe.
 *
 * <p>Implementations throw whatever the underlying mechanism throws; the pool turns it into a
 * {@link dev.loky.TaskSerializationException} that names the side.
 */
public interface TaskSerializer {

    /** Writes a value (a task, or a task's result) to bytes. */
    byte[] serialize(Object value) throws Exception;

    /** Reads a value, resolving classes through {@code loader}. */
    Object deserialize(byte[] data, ClassLoader loader) throws Exception;
}
