package dev.loky.serialization;

import java.io.InputStream;
import java.io.OutputStream;

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

    /**
     * Writes a value straight to a stream: big values (a 50 MB array) go to the worker's channel
     * this way, with no copy of their serialized form. Must not close {@code out}. The default
     * writes {@link #serialize(Object)}'s bytes; override it to stream.
     */
    default void serialize(Object value, OutputStream out) throws Exception {
        out.write(serialize(value));
    }

    /**
     * Reads one value from a stream that ends where the value does. The default reads the whole
     * stream into an array first; override it to read in place.
     */
    default Object deserialize(InputStream in, ClassLoader loader) throws Exception {
        return deserialize(in.readAllBytes(), loader);
    }
}
