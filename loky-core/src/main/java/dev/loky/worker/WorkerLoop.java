package dev.loky.worker;

import dev.loky.RemoteRunnable;
import dev.loky.TaskSerializationException;
import dev.loky.protocol.Frame;
import dev.loky.protocol.FrameReader;
import dev.loky.protocol.FrameType;
import dev.loky.protocol.FrameWriter;
import dev.loky.protocol.TaskReply;
import dev.loky.protocol.ThrowableDescription;
import dev.loky.protocol.WorkerInit;
import dev.loky.serialization.JavaTaskSerializer;
import dev.loky.serialization.TaskSerializer;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A worker's life: read {@code INIT}, run the initializer, report {@code READY}, then run tasks one
 * at a time on this (the main) thread until told to shut down or the parent goes away.
 *
 * <p>Threads: the main thread runs tasks, one at a time in the order they came, and writes their
 * replies; a channel-reader thread reads frames into the inbox (so a {@code CANCEL} is seen while a
 * task runs, and the parent's writes never block on a busy worker); a parent-watch thread halts the
 * JVM when the parent is gone. The state the reader shares with the main thread
 * ({@link #runningTaskId}, {@link #runningThread}, {@link #cancelled}) is guarded by
 * {@link #runLock}, so an interrupt meant for one task can never hit the next.
 */
final class WorkerLoop {

    /** Exit code after an {@link OutOfMemoryError}: the JVM's state is suspect, so it is replaced. */
    static final int EXIT_AFTER_OOM = 3;
    /** Exit code when the initializer fails. */
    static final int EXIT_STARTUP_FAILED = 4;
    /** Exit code when the channel is unusable. */
    static final int EXIT_PROTOCOL = 5;

    private final FrameReader reader;
    private final FrameWriter writer;
    private final ClassLoader loader;
    private final PrintStream log;
    private static final Frame SHUTDOWN = Frame.of(FrameType.SHUTDOWN, 0);

    private final BlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
    private final Object runLock = new Object();
    private long runningTaskId = -1;
    private Thread runningThread;
    private final Set<Long> cancelled = new HashSet<>();
    private TaskSerializer serializer;
    private HeapWatch heapWatch;

    WorkerLoop(FrameReader reader, FrameWriter writer, ClassLoader loader, PrintStream log) {
        this.reader = reader;
        this.writer = writer;
        this.loader = loader;
        this.log = log;
    }

    void run() {
        WorkerInit init;
        try {
            Frame first = reader.read();
            if (first.type() != FrameType.INIT) {
                log.println("loky worker: expected INIT, got " + first.type());
                Runtime.getRuntime().halt(EXIT_PROTOCOL);
                return;
            }
            init = WorkerInit.decode(first.payload());
        } catch (IOException e) {
            // The parent went away before we started.
            Runtime.getRuntime().halt(EXIT_PROTOCOL);
            return;
        }
        System.setProperty("loky.worker.id", Integer.toString(init.workerId()));
        ParentWatch.start(init.parentPid(), log);
        heapWatch = new HeapWatch(init.leakThresholdBytes(), init.memoryCheckIntervalMillis());
        try {
            serializer = createSerializer(init.serializerClass());
            if (init.initializer().length > 0) {
                RemoteRunnable initializer = (RemoteRunnable) serializer.deserialize(init.initializer(), loader);
                initializer.run();
            }
        } catch (Throwable t) {
            StringWriter text = new StringWriter();
            t.printStackTrace(new PrintWriter(text));
            log.println("loky worker: initializer failed: " + text);
            send(FrameType.STARTUP_FAILED, 0, text.toString().getBytes(StandardCharsets.UTF_8));
            System.exit(EXIT_STARTUP_FAILED);
            return;
        }
        send(FrameType.READY, 0, ByteBuffer.allocate(8).putLong(ProcessHandle.current().pid()).array());
        Thread channelReader = new Thread(this::readChannel, "loky-channel-reader");
        channelReader.setDaemon(true);
        channelReader.start();
        WarmUp.run(serializer, loader); // after READY: a first task waits for it no longer than it would have paid itself
        runTasks();
    }

    private TaskSerializer createSerializer(String className) throws ReflectiveOperationException {
        if (className.equals(JavaTaskSerializer.class.getName())) {
            return JavaTaskSerializer.INSTANCE;
        }
        return (TaskSerializer) Class.forName(className, true, loader).getConstructor().newInstance();
    }

    /**
     * The channel-reader thread: tasks go to the inbox (the parent may send a few ahead when tasks
     * are short), control frames act at once; the parent's end closing ends this JVM.
     */
    private void readChannel() {
        try {
            while (true) {
                Frame frame = reader.read();
                switch (frame.type()) {
                    case TASK -> inbox.add(frame);
                    case CANCEL -> cancel(frame.id());
                    case SHUTDOWN -> inbox.add(SHUTDOWN);
                    default -> log.println("loky worker: ignoring unexpected " + frame.type());
                }
            }
        } catch (EOFException e) {
            // The parent closed our stdin: it is gone (or is killing us). Nothing left to do.
            Runtime.getRuntime().halt(0);
        } catch (Throwable e) {
            log.println("loky worker: channel failed: " + e);
            Runtime.getRuntime().halt(EXIT_PROTOCOL);
        }
    }

    /** The main thread: run tasks in the order they came, until told to shut down. */
    private void runTasks() {
        while (true) {
            Frame frame;
            try {
                frame = inbox.take();
            } catch (InterruptedException e) {
                continue; // a cancel that came too late; there is no task to interrupt
            }
            if (frame == SHUTDOWN) {
                System.exit(0);
                return;
            }
            runTask(frame);
        }
    }

    private void cancel(long id) {
        synchronized (runLock) {
            if (runningTaskId == id && runningThread != null) {
                runningThread.interrupt();
            } else {
                cancelled.add(id);
            }
        }
    }

    private void runTask(Frame frame) {
        long id = frame.id();
        synchronized (runLock) {
            boolean wasCancelled = cancelled.remove(id);
            if (wasCancelled) {
                replyError(id, new InterruptedException("cancelled before it started"));
                return;
            }
            runningTaskId = id;
            runningThread = Thread.currentThread();
        }
        Object value = null;
        Throwable failure = null;
        boolean argumentRead = false;
        try {
            Object task = serializer.deserialize(frame.payload(), loader);
            argumentRead = true;
            value = ((Callable<?>) task).call();
        } catch (Throwable t) {
            failure = t;
        } finally {
            synchronized (runLock) {
                runningTaskId = -1;
                runningThread = null;
                Thread.interrupted(); // a cancel that came too late must not hit the next task
            }
        }
        if (failure != null && !argumentRead) {
            replySerializationError(id, TaskSerializationException.Side.ARGUMENT_IN_WORKER, failure);
            return;
        }
        if (failure != null) {
            replyError(id, failure);
            if (failure instanceof OutOfMemoryError) {
                log.println("loky worker: exiting after OutOfMemoryError: " + failure);
                Runtime.getRuntime().halt(EXIT_AFTER_OOM);
            }
            return;
        }
        byte[] bytes;
        try {
            bytes = serializer.serialize(value);
        } catch (Throwable t) {
            replySerializationError(id, TaskSerializationException.Side.RESULT_IN_WORKER, t);
            return;
        }
        value = null;
        send(FrameType.RESULT, id, reply(-1, bytes, new byte[0]));
    }

    private void replyError(long id, Throwable failure) {
        byte[] exception;
        try {
            exception = serializer.serialize(failure);
        } catch (Throwable t) {
            exception = new byte[0];
        }
        send(FrameType.TASK_ERROR, id, reply(-1, exception, describe(failure)));
    }

    private void replySerializationError(long id, TaskSerializationException.Side side, Throwable cause) {
        send(FrameType.SERIALIZATION_ERROR, id, reply(side.ordinal(), new byte[0], describe(cause)));
    }

    private static byte[] describe(Throwable t) {
        try {
            return JavaTaskSerializer.INSTANCE.serialize(ThrowableDescription.of(t));
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** A reply with this worker's memory figures after the task (collecting first when {@link HeapWatch} says so). */
    private byte[] reply(int side, byte[] value, byte[] description) {
        long live = heapWatch.afterTask();
        Runtime rt = Runtime.getRuntime();
        long committed = rt.totalMemory();
        return new TaskReply(committed - rt.freeMemory(), committed, live, side, value, description).encode();
    }

    private void send(FrameType type, long id, byte[] payload) {
        try {
            writer.write(type, id, payload);
        } catch (IOException e) {
            // The parent is gone.
            Runtime.getRuntime().halt(0);
        }
    }
}
