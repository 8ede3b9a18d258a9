package dev.loky.worker;

import dev.loky.RemoteRunnable;
import dev.loky.TaskSerializationException;
import dev.loky.protocol.Frame;
import dev.loky.protocol.FrameReader;
import dev.loky.protocol.FrameType;
import dev.loky.protocol.FrameWriter;
import dev.loky.protocol.StreamedValues;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
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
    /**
     * Tasks that came as streamed chunks, read by the channel reader straight into the deserializer,
     * by id; their inbox entry is an empty TASK frame that keeps their place in line.
     */
    private final Map<Long, StreamedValues.Value> streamedTasks = new ConcurrentHashMap<>();
    private TaskSerializer serializer;
    private HeapWatch heapWatch;
    /** Time the pool's initializer took here (for Spring: the slim context's boot). */
    private long initNanos;

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
                long initStart = System.nanoTime();
                RemoteRunnable initializer = (RemoteRunnable) serializer.deserialize(init.initializer(), loader);
                initializer.run();
                initNanos = System.nanoTime() - initStart;
            }
        } catch (Throwable t) {
            StringWriter text = new StringWriter();
            t.printStackTrace(new PrintWriter(text));
            log.println("loky worker: initializer failed: " + text);
            send(FrameType.STARTUP_FAILED, 0, text.toString().getBytes(StandardCharsets.UTF_8));
            System.exit(EXIT_STARTUP_FAILED);
            return;
        }
        // READY: the pid, then the initializer's time (the parent's worker insights)
        send(FrameType.READY, 0, ByteBuffer.allocate(16).putLong(ProcessHandle.current().pid()).putLong(initNanos).array());
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
                    case CHUNK, CHUNK_END, CHUNK_ABORT -> {
                        // a big task: deserialized here, from the pipe, while the main thread runs the one before
                        streamedTasks.put(frame.id(), StreamedValues.read(reader, frame, serializer, loader));
                        inbox.add(Frame.of(FrameType.TASK, frame.id()));
                    }
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
            // No local keeps the frame: runTask drops its payload once read, so a big argument is
            // garbage by the time leak protection measures what this worker keeps between tasks.
            runTask(nextFrame());
        }
    }

    private Frame nextFrame() {
        while (true) {
            try {
                Frame frame = inbox.take();
                if (frame == SHUTDOWN) {
                    System.exit(0);
                }
                return frame;
            } catch (InterruptedException e) {
                // a cancel that came too late; there is no task to interrupt
            }
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
        byte[] payload = frame.payload();
        frame = null; // see runTasks: nothing of the task may outlive it
        StreamedValues.Value streamed = streamedTasks.remove(id);
        if (streamed != null && streamed.aborted()) {
            // the parent failed to serialize it midway; it fails that call with its own exception
            replySerializationError(id, TaskSerializationException.Side.ARGUMENT_IN_PARENT, streamed.failure());
            return;
        }
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
        Object task = null;
        try {
            if (streamed != null) {
                task = streamed.value();
                Throwable unreadable = streamed.failure();
                streamed = null;
                if (unreadable != null) {
                    throw unreadable;
                }
            } else {
                task = serializer.deserialize(payload, loader);
            }
            payload = null;
            argumentRead = true;
            value = ((Callable<?>) task).call();
            task = null;
        } catch (Throwable t) {
            failure = t;
        } finally {
            payload = null;
            task = null;
            synchronized (runLock) {
                runningTaskId = -1;
                runningThread = null;
                Thread.interrupted(); // a cancel that came too late must not hit the next task
            }
        }
        // An OutOfMemoryError while reading the argument is an OOM like any other: the worker is replaced.
        if (failure != null && !argumentRead && !(failure instanceof OutOfMemoryError)) {
            replySerializationError(id, TaskSerializationException.Side.ARGUMENT_IN_WORKER, failure);
            return;
        }
        if (failure != null) {
            replyError(id, failure);
            if (failure instanceof OutOfMemoryError) {
                log.println("loky worker: exiting after OutOfMemoryError: " + failure);
                Runtime.getRuntime().halt(WorkerMain.EXIT_AFTER_OUT_OF_MEMORY);
            }
            return;
        }
        // A small result goes in the RESULT frame; a big one ahead of it, straight from the serializer to the pipe.
        StreamedValues.Written written;
        try {
            written = StreamedValues.write(writer, id, value, serializer);
        } catch (IOException e) {
            Runtime.getRuntime().halt(0); // the parent is gone
            return;
        }
        value = null;
        if (written.failure() != null) {
            replySerializationError(id, TaskSerializationException.Side.RESULT_IN_WORKER, written.failure());
            return;
        }
        send(FrameType.RESULT, id, reply(-1, written.small() != null ? written.small() : TaskReply.STREAMED, new byte[0]));
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

    /**
     * A reply with this worker's memory figures after the task (collecting first when
     * {@link HeapWatch} says so). By now the task's argument, task object and result are
     * unreachable; what the worker still holds for the protocol (this reply's bytes, tasks queued
     * ahead) is subtracted, so only memory the task's code kept is counted.
     */
    private byte[] reply(int side, byte[] value, byte[] description) {
        long held = value.length + description.length;
        for (Frame queued : inbox) {
            held += queued.payload().length;
        }
        for (StreamedValues.Value queued : streamedTasks.values()) {
            held += queued.bytes();
        }
        HeapWatch.Figures figures = heapWatch.afterTask(held);
        Runtime rt = Runtime.getRuntime();
        long committed = rt.totalMemory();
        return new TaskReply(committed - rt.freeMemory(), figures.liveHeap() < 0 ? committed : figures.committedHeap(),
                figures.liveHeap(), figures.resident(), side, value, description).encode();
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
