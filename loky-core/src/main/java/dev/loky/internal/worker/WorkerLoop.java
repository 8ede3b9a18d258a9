package dev.loky.internal.worker;

import dev.loky.AfterReadyWarmUp;
import dev.loky.RemoteRunnable;
import dev.loky.TaskSerializationException;
import dev.loky.internal.protocol.BetweenItems;
import dev.loky.internal.protocol.ExitCodes;
import dev.loky.internal.protocol.Frame;
import dev.loky.internal.protocol.FrameReader;
import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.FrameWriter;
import dev.loky.internal.protocol.ItemProgress;
import dev.loky.internal.protocol.MemoryReference;
import dev.loky.internal.protocol.StreamedValues;
import dev.loky.internal.protocol.TaskReply;
import dev.loky.internal.protocol.WorkerInit;
import dev.loky.internal.protocol.WorkerReady;
import dev.loky.serialization.JavaTaskSerializer;
import dev.loky.serialization.TaskSerializer;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's life: read {@code INIT}, run the initializer, report {@code READY}, then run tasks one
 * at a time, in the order they came, until told to shut down or the parent goes away.
 *
 * <p>Threads: two task threads (the main thread and {@code loky-task-2}) take turns in two roles.
 * At any time exactly one of them holds the <em>reader role</em> and reads the channel, so a
 * {@code CANCEL} is seen while a task runs and the parent's writes never block on a busy worker.
 * When the reader reads a task while nothing runs and the other thread stands by, it runs the task
 * itself and hands the reader role to the other thread: the task starts without waking a thread
 * first (the wake-up of the new reader happens beside the task, not before it). When a task is
 * running, or the other thread is not standing by yet (warm-up), the frame goes to the inbox and
 * the thread that finishes its task runs it next, so tasks still run one at a time and in order.
 * A parent-watch thread halts the JVM when the parent is gone.
 *
 * <p>All state shared between the threads (the inbox, the roles, the running task, early cancels)
 * is in {@link TaskTurns}, under its monitor, so an interrupt meant for one task can never hit the
 * next, and a task's effects are visible to the thread that runs the next one.
 */
final class WorkerLoop {

    /** Exit code when the initializer fails. */
    static final int EXIT_STARTUP_FAILED = 4;
    /** Exit code when the channel is unusable. */
    static final int EXIT_PROTOCOL = 5;

    private final FrameReader reader;
    private final FrameWriter writer;
    /** Loads tasks' classes: the worker's own loader first, then the pool's over the channel. */
    private final ShippedClassLoader loader;
    /** Both task threads run, so one of them reads the channel while the other waits for a class. */
    private volatile boolean serving;
    private final PrintStream log;
    /** How this JVM ends (the real exit and halt, or a test's). */
    private final WorkerExit exit;
    private static final Frame SHUTDOWN = Frame.of(FrameType.SHUTDOWN, 0);

    /** The two task threads' turns: the reader role, the inbox, the running task, early cancels. */
    private final TaskTurns turns = new TaskTurns();
    /**
     * Tasks that came as streamed chunks, read by the channel reader straight into the deserializer,
     * by id; their inbox entry is an empty TASK frame that keeps their place in line.
     */
    private final Map<Long, StreamedValues.Value> streamedTasks = new ConcurrentHashMap<>();
    private TaskSerializer serializer;
    private HeapWatch heapWatch;
    /** Answers to tasks, with the memory figures after each. */
    private Replies replies;
    /** Time the pool's initializer took here (for Spring: the slim context's boot). */
    private long initNanos;

    WorkerLoop(FrameReader reader, FrameWriter writer, ClassLoader loader, PrintStream log) {
        this(reader, writer, loader, log, WorkerExit.JVM);
    }

    WorkerLoop(FrameReader reader, FrameWriter writer, ClassLoader loader, PrintStream log, WorkerExit exit) {
        this.exit = exit;
        this.reader = reader;
        this.writer = writer;
        this.loader = new ShippedClassLoader(loader, writer, this::cannotWaitForTheChannel);
        this.log = log;
    }

    void run() {
        WorkerInit init;
        try {
            Frame first = reader.read();
            if (first.type() != FrameType.INIT) {
                log.println("loky worker: expected INIT, got " + first.type());
                exit.halt(EXIT_PROTOCOL);
                return;
            }
            init = WorkerInit.decode(first.payload());
        } catch (IOException e) {
            // The parent went away before we started.
            exit.halt(EXIT_PROTOCOL);
            return;
        }
        System.setProperty("loky.worker.id", Integer.toString(init.workerId()));
        ParentWatch.start(init.parentPid(), log, exit);
        Heartbeat.start(writer, init.heartbeatIntervalMillis(), exit);
        heapWatch = new HeapWatch(init.leakThresholdBytes(), init.memoryCheckIntervalMillis());
        replies = new Replies(writer, heapWatch, this::heldForProtocol, exit);
        BetweenItems.install(betweenItems);
        AfterReadyWarmUp warmUpAfterReady = null;
        try {
            serializer = createSerializer(init.serializerClass());
            if (init.initializer().length > 0) {
                long initStart = System.nanoTime();
                RemoteRunnable initializer = (RemoteRunnable) serializer.deserialize(init.initializer(), loader);
                initializer.run();
                warmUpAfterReady = InitializerWarmUp.beforeReady(initializer);
                initNanos = System.nanoTime() - initStart;
            }
        } catch (Throwable t) {
            StringWriter text = new StringWriter();
            t.printStackTrace(new PrintWriter(text));
            log.println("loky worker: initializer failed: " + text);
            send(FrameType.STARTUP_FAILED, 0, text.toString().getBytes(StandardCharsets.UTF_8));
            exit.exit(EXIT_STARTUP_FAILED);
            return;
        }
        if (warmUpAfterReady != null) {
            heapWatch.warmingUp(); // before READY: a task may finish before the warm-up begins
        }
        // READY: the pid, then the initializer's time (the parent's worker insights)
        send(FrameType.READY, 0, new WorkerReady(ProcessHandle.current().pid(), initNanos).encode());
        Thread second = new Thread(this::serve, "loky-task-2");
        second.setContextClassLoader(loader);
        serving = true;
        second.setDaemon(true);
        second.start(); // takes the reader role at once: the channel is read during the warm-up
        WarmUp.run(serializer, loader); // after READY: a first task waits for it no longer than it would have paid itself
        if (warmUpAfterReady != null) {
            InitializerWarmUp.afterReady(warmUpAfterReady, log, this::takeLeakReference);
        } else {
            takeLeakReference();
        }
        Thread.currentThread().setContextClassLoader(loader); // for tasks (the initializer ran with the worker's own)
        serve();
    }

    /** The leak reference once ready and warm (not after the first task, which may already keep hundreds of MB). */
    private void takeLeakReference() {
        heapWatch.referenceAtReady(reference -> send(FrameType.MEMORY_REFERENCE, 0,
                new MemoryReference(reference.liveHeap(), reference.committedHeap(), reference.resident()).encode()));
    }

    /** What a map chunk tells this worker after each item. */
    private final BetweenItems.Hook betweenItems = this::afterItem;

    /** When this task thread last reported a chunk's progress ({@code System.nanoTime()}). */
    private final ThreadLocal<long[]> lastItemProgress = ThreadLocal.withInitial(() -> new long[1]);

    /**
     * An item of the running chunk finished: its progress goes to the parent at the first item and
     * then at most every {@link BetweenItems#PROGRESS_INTERVAL_MILLIS}; {@code true} when the chunk
     * must stop because this worker now keeps more than its leak threshold.
     */
    private boolean afterItem(int ran, int failed) {
        long now = System.nanoTime();
        long[] last = lastItemProgress.get();
        if (ran == 1 || now - last[0] >= BetweenItems.PROGRESS_INTERVAL_MILLIS * 1_000_000L) {
            last[0] = now;
            long id = turns.runningOn(Thread.currentThread());
            if (id >= 0) {
                send(FrameType.ITEM_PROGRESS, id, new ItemProgress(ran, failed).encode());
            }
        }
        return heapWatch.leakConfirmedBetweenItems();
    }

    /** Nobody else could read the answer to a class request: before both threads run, or on the reader itself. */
    private boolean cannotWaitForTheChannel() {
        if (!serving) {
            return true;
        }
        return turns.isReader(Thread.currentThread());
    }

    private TaskSerializer createSerializer(String className) throws ReflectiveOperationException {
        if (className.equals(JavaTaskSerializer.class.getName())) {
            return JavaTaskSerializer.INSTANCE;
        }
        return (TaskSerializer) Class.forName(className, true, loader).getConstructor().newInstance();
    }

    /**
     * A task thread's loop: run what the inbox holds, else take the free reader role, else stand
     * by. Never returns: the JVM ends through {@link WorkerExit}.
     */
    private void serve() {
        while (true) {
            Frame work = turns.nextWork();
            if (work == null) {
                work = readUntilRunnable();
            }
            // No local keeps the frame: runTask drops its payload once read, so a big argument is
            // garbage by the time leak protection measures what this worker keeps between tasks.
            execute(work);
            work = null;
        }
    }

    /**
     * The reader role: reads frames; control frames act at once; a task (or SHUTDOWN) is returned
     * to run on this thread when nothing runs and the other thread stands by to take the role over,
     * otherwise it waits in the inbox. The parent's end closing ends this JVM.
     */
    private Frame readUntilRunnable() {
        try {
            while (true) {
                Frame frame = reader.read();
                switch (frame.type()) {
                    case TASK, SHUTDOWN, CHUNK, CHUNK_END, CHUNK_ABORT -> {
                        Frame work = switch (frame.type()) {
                            case SHUTDOWN -> SHUTDOWN;
                            case TASK -> frame;
                            default -> {
                                // a big task: deserialized here, from the pipe, while another task may run;
                                // an empty TASK frame keeps its place in line
                                streamedTasks.put(frame.id(), StreamedValues.read(reader, frame, serializer, loader));
                                yield Frame.of(FrameType.TASK, frame.id());
                            }
                        };
                        if (turns.runsNow(work, work == SHUTDOWN)) {
                            return work;
                        }
                    }
                    case CANCEL -> turns.cancel(frame.id());
                    case CLASS_BYTES -> loader.answered(frame.id(), frame.payload());
                    default -> log.println("loky worker: ignoring unexpected " + frame.type());
                }
            }
        } catch (EOFException e) {
            // The parent closed our stdin: it is gone (or is killing us). Nothing left to do.
            exit.halt(0);
        } catch (Throwable e) {
            log.println("loky worker: channel failed: " + e);
            exit.halt(EXIT_PROTOCOL);
        }
        throw new IllegalStateException("unreachable");
    }

    private void execute(Frame frame) {
        if (frame == SHUTDOWN) {
            exit.exit(0);
        }
        runTask(frame);
    }

    private void runTask(Frame frame) {
        long id = frame.id();
        byte[] payload = frame.payload();
        frame = null; // see serve: nothing of the task may outlive it
        StreamedValues.Value streamed = streamedTasks.remove(id);
        if (streamed != null && streamed.aborted()) {
            // the parent failed to serialize it midway; it fails that call with its own exception
            replies.serializationError(id, TaskSerializationException.Side.ARGUMENT_IN_PARENT, streamed.failure());
            return;
        }
        if (!turns.start(id)) {
            replies.error(id, new InterruptedException("cancelled before it started"), serializer);
            return;
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
            turns.finish();
        }
        // An OutOfMemoryError while reading the argument is an OOM like any other: the worker is replaced.
        if (failure != null && !argumentRead && !(failure instanceof OutOfMemoryError)) {
            replies.serializationError(id, TaskSerializationException.Side.ARGUMENT_IN_WORKER, failure);
            return;
        }
        if (failure != null) {
            replies.error(id, failure, serializer);
            if (failure instanceof OutOfMemoryError) {
                log.println("loky worker: exiting after OutOfMemoryError: " + failure);
                exit.halt(ExitCodes.AFTER_OUT_OF_MEMORY);
            }
            return;
        }
        // A small result goes in the RESULT frame; a big one ahead of it, straight from the serializer to the pipe.
        StreamedValues.Written written;
        try {
            written = StreamedValues.write(writer, id, value, serializer);
        } catch (IOException e) {
            exit.halt(0); // the parent is gone
            return;
        }
        value = null;
        if (written.failure() != null) {
            replies.serializationError(id, TaskSerializationException.Side.RESULT_IN_WORKER, written.failure());
            return;
        }
        replies.result(id, written.small() != null ? written.small() : TaskReply.STREAMED);
    }

    /** Bytes held for the protocol: tasks read ahead, queued or streamed (not the running task's memory). */
    private long heldForProtocol() {
        long held = turns.queuedBytes();
        for (StreamedValues.Value queued : streamedTasks.values()) {
            held += queued.bytes();
        }
        return held;
    }

    private void send(FrameType type, long id, byte[] payload) {
        Replies.send(writer, exit, type, id, payload);
    }
}
