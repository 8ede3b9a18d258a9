package dev.loky.internal.worker;

import dev.loky.internal.protocol.ClassAnswer;
import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.FrameWriter;
import dev.loky.internal.protocol.ReplVariables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The worker's class loader for classes its class path does not hold: a lambda written in jshell,
 * a class of a single-file program ({@code java Foo.java}), any class of a loader whose classes are
 * not on {@code java.class.path}. Everything else is its parent's (the worker's own loader, asked
 * first); a class the parent cannot find is asked of the pool over the channel, and defined here
 * from the bytes the pool's class loaders hold (the analogue of cloudpickle shipping a REPL
 * function by value).
 *
 * <p>Thread-safe and parallel capable: any thread may load; it blocks until the channel's reader
 * hands it the answer ({@link #answered}). The reader itself cannot wait for an answer only it
 * could read (a big task deserialized straight from the pipe), so it fails at once there.
 */
final class ShippedClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** How long a class request may wait for the parent (it answers from memory or a jar at once). */
    private static final long ANSWER_TIMEOUT_SECONDS = 60;

    private final FrameWriter writer;
    private final BooleanSupplier onReaderThread;
    private final AtomicLong requests = new AtomicLong();
    private final Map<Long, CompletableFuture<ClassAnswer>> waiting = new ConcurrentHashMap<>();

    ShippedClassLoader(ClassLoader parent, FrameWriter writer, BooleanSupplier onReaderThread) {
        super("loky-shipped", parent);
        this.writer = writer;
        this.onReaderThread = onReaderThread;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String where = "it is not on the worker's class path (" + System.getProperty("java.class.path") + ")";
        if (onReaderThread.getAsBoolean()) {
            throw new ClassNotFoundException(name + ": " + where + ", and a task this big (read while it streams)"
                    + " cannot fetch classes from its parent; put the class on the workers' class path (PoolConfig.classpath)");
        }
        long id = requests.incrementAndGet();
        CompletableFuture<ClassAnswer> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        ClassAnswer got;
        try {
            writer.write(FrameType.CLASS_REQUEST, id, name.getBytes(StandardCharsets.UTF_8));
            got = answer.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw new ClassNotFoundException(name + ": " + where + ", and asking the parent for it failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClassNotFoundException(name + ": interrupted while asking the parent for it", e);
        } finally {
            waiting.remove(id);
        }
        if (got.bytes() == null) {
            throw new ClassNotFoundException(name + ": " + where + ", and the parent has no bytes for it: " + got.missing());
        }
        Class<?> type = defineClass(name, got.bytes(), 0, got.bytes().length);
        if (got.statics().length > 0) {
            try {
                ReplVariables.apply(type, ReplVariables.decode(got.statics()), this); // jshell's variables, by value
            } catch (Exception | LinkageError e) {
                System.err.println("loky worker: the jshell variables of " + name + " could not be set: " + e);
            }
        }
        return type;
    }

    /** The parent's answer to request {@code id}; the channel's reader calls it. */
    void answered(long id, byte[] payload) {
        CompletableFuture<ClassAnswer> answer = waiting.get(id);
        if (answer != null) {
            answer.complete(ClassAnswer.decode(payload));
        }
    }
}
