package dev.loky.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loky.RemoteCallable;
import dev.loky.internal.protocol.BetweenItems;
import dev.loky.internal.protocol.Frame;
import dev.loky.internal.protocol.FrameReader;
import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.FrameWriter;
import dev.loky.internal.protocol.TaskReply;
import dev.loky.internal.protocol.WorkerInit;
import dev.loky.internal.protocol.WorkerReady;
import dev.loky.serialization.JavaTaskSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's side of the protocol without a worker JVM: {@link WorkerLoop} runs on a thread of
 * this JVM over two in-memory pipes, this test plays the parent, and a {@link WorkerExit} of its
 * own records how the worker would have ended instead of ending this JVM.
 */
class WorkerLoopTest {

    /** Thrown by the test's exit so that the thread that would have ended the JVM ends instead. */
    private static final class Ended extends Error {
        Ended(String how) {
            super(how, null, false, false);
        }
    }

    private final CompletableFuture<String> ended = new CompletableFuture<>();
    /** Threads of the worker inside a read of its channel right now. */
    private final AtomicInteger reading = new AtomicInteger();
    /** When set, the test's exit first looks, for this long, for a thread that goes on reading the channel. */
    private volatile Duration lookForReaderAtExit;
    /** Whether a thread was reading the channel while the worker exited (see {@link #lookForReaderAtExit}). */
    private final CompletableFuture<Boolean> readerAtExit = new CompletableFuture<>();
    private final WorkerExit exit = new WorkerExit() {
        @Override
        public void exit(int status) {
            Duration look = lookForReaderAtExit;
            if (look != null) {
                try {
                    await().pollInterval(Duration.ofMillis(5)).atMost(look).until(() -> reading.get() > 0);
                    readerAtExit.complete(true);
                } catch (ConditionTimeoutException e) {
                    readerAtExit.complete(false);
                }
            }
            end("exit " + status);
        }

        @Override
        public void halt(int status) {
            end("halt " + status);
        }

        private void end(String how) {
            ended.complete(how);
            throw new Ended(how);
        }
    };
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final List<Throwable> escaped = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Pipe toWorker;
    private FrameWriter parent;
    private FrameReader fromWorker;

    private void startWorker(String initializerFailure) throws IOException {
        toWorker = Pipe.open();
        Pipe toParent = Pipe.open();
        parent = new FrameWriter(Channels.newOutputStream(toWorker.sink()));
        fromWorker = new FrameReader(Channels.newInputStream(toParent.source()), line -> { });
        InputStream channel = new FilterInputStream(Channels.newInputStream(toWorker.source())) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                reading.incrementAndGet();
                try {
                    return super.read(b, off, len);
                } finally {
                    reading.decrementAndGet();
                }
            }
        };
        WorkerLoop loop = new WorkerLoop(new FrameReader(channel, line -> { }),
                new FrameWriter(Channels.newOutputStream(toParent.sink())), getClass().getClassLoader(),
                new PrintStream(log, true, StandardCharsets.UTF_8), exit);
        threads.execute(() -> {
            try {
                loop.run();
            } catch (Ended e) {
                // how the worker ended is in `ended`
            } catch (Throwable e) {
                escaped.add(e);
            }
        });
        byte[] initializer = initializerFailure == null ? new byte[0]
                : JavaTaskSerializer.INSTANCE.serialize((dev.loky.RemoteRunnable) () -> {
                    throw new IllegalStateException(initializerFailure);
                });
        // the parent's pid as the worker sees it: this JVM's parent, so the parent watch stays quiet
        long parentPid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow();
        parent.write(FrameType.INIT, 0, new WorkerInit(7, parentPid, "test", JavaTaskSerializer.class.getName(), initializer,
                60_000, 0, 60_000).encode());
    }

    @AfterEach
    void stop() throws IOException {
        if (toWorker != null) {
            toWorker.sink().close();
        }
        threads.shutdownNow();
        BetweenItems.install((ran, failed) -> false);
        System.clearProperty("loky.worker.id");
        assertThat(escaped).as("nothing escapes the worker's threads but its end").isEmpty();
    }

    /** The next frame that is not a heartbeat or a memory reference. */
    private Frame next() throws IOException {
        while (true) {
            Frame frame = fromWorker.read();
            if (frame.type() != FrameType.HEARTBEAT && frame.type() != FrameType.MEMORY_REFERENCE) {
                return frame;
            }
        }
    }

    private void send(long id, RemoteCallable<?> task) throws IOException {
        parent.write(FrameType.TASK, id, JavaTaskSerializer.INSTANCE.serialize(task));
    }

    @Test
    void itReportsReadyRunsTasksInOrderAndEndsOnShutdown() throws Exception {
        startWorker(null);
        Frame ready = next();
        assertThat(ready.type()).isEqualTo(FrameType.READY);
        assertThat(WorkerReady.decode(ready.payload()).pid()).isEqualTo(ProcessHandle.current().pid());

        send(1, () -> 6 * 7);
        send(2, () -> "second");
        Frame first = next();
        assertThat(first.type()).isEqualTo(FrameType.RESULT);
        assertThat(first.id()).isEqualTo(1);
        assertThat(JavaTaskSerializer.INSTANCE.deserialize(TaskReply.decode(first.payload()).value(), getClass().getClassLoader()))
                .isEqualTo(42);
        Frame second = next();
        assertThat(second.id()).isEqualTo(2);
        assertThat(JavaTaskSerializer.INSTANCE.deserialize(TaskReply.decode(second.payload()).value(), getClass().getClassLoader()))
                .isEqualTo("second");

        parent.write(FrameType.SHUTDOWN, 0, new byte[0]);
        assertThat(ended.get(10, TimeUnit.SECONDS)).isEqualTo("exit 0");
    }

    /**
     * HotSpot's exit waits up to 300 ms for any thread in a native read, so the thread that reads
     * the SHUTDOWN of an idle worker ends the JVM itself and hands the reader role to nobody (the
     * other task thread, standing by, used to take it and block in a read of the channel: closing
     * a pool of two idle workers took 318 ms).
     */
    @Test
    void anIdleWorkersShutdownLeavesNoThreadReadingTheChannel() throws Exception {
        startWorker(null);
        assertThat(next().type()).isEqualTo(FrameType.READY);
        send(1, () -> "both task threads serve by now");
        assertThat(next().type()).isEqualTo(FrameType.RESULT);
        lookForReaderAtExit = Duration.ofMillis(500);
        parent.write(FrameType.SHUTDOWN, 0, new byte[0]);
        assertThat(ended.get(10, TimeUnit.SECONDS)).isEqualTo("exit 0");
        assertThat(readerAtExit.get(10, TimeUnit.SECONDS)).as("a thread went on reading the channel while the worker exited").isFalse();
    }

    @Test
    void aTasksExceptionComesBackAsItselfAndTheWorkerGoesOn() throws Exception {
        startWorker(null);
        assertThat(next().type()).isEqualTo(FrameType.READY);
        send(1, () -> {
            throw new IllegalArgumentException("bad input 13");
        });
        Frame error = next();
        assertThat(error.type()).isEqualTo(FrameType.TASK_ERROR);
        TaskReply reply = TaskReply.decode(error.payload());
        assertThat(reply.outOfMemory()).isFalse();
        assertThat((Throwable) JavaTaskSerializer.INSTANCE.deserialize(reply.value(), getClass().getClassLoader()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bad input 13");
        send(2, () -> "still here");
        assertThat(next().type()).isEqualTo(FrameType.RESULT);
        assertThat(ended).isNotDone();
    }

    /** A cancel reaches the running task: the reader role is on the other thread meanwhile. */
    @Test
    void aCancelInterruptsTheRunningTask() throws Exception {
        startWorker(null);
        assertThat(next().type()).isEqualTo(FrameType.READY);
        send(1, () -> {
            Thread.sleep(Duration.ofMinutes(5).toMillis()); // interrupted by the cancel, not a wait for a condition
            return "not cancelled";
        });
        // running or not yet started, the cancelled task answers with an error, never its value
        parent.write(FrameType.CANCEL, 1, new byte[0]);
        Frame error = next();
        assertThat(error.type()).isEqualTo(FrameType.TASK_ERROR);
        assertThat(error.id()).isEqualTo(1);
        send(2, () -> "next");
        assertThat(next().type()).as("the next task is not hit by the cancel").isEqualTo(FrameType.RESULT);
    }

    @Test
    void theParentClosingTheChannelHaltsTheWorker() throws Exception {
        startWorker(null);
        assertThat(next().type()).isEqualTo(FrameType.READY);
        toWorker.sink().close();
        assertThat(ended.get(10, TimeUnit.SECONDS)).isEqualTo("halt 0");
    }

    @Test
    void aFailingInitializerIsReportedAndTheWorkerExits() throws Exception {
        startWorker("no database");
        Frame failed = next();
        assertThat(failed.type()).isEqualTo(FrameType.STARTUP_FAILED);
        assertThat(new String(failed.payload(), StandardCharsets.UTF_8)).contains("IllegalStateException: no database");
        assertThat(ended.get(10, TimeUnit.SECONDS)).isEqualTo("exit " + WorkerLoop.EXIT_STARTUP_FAILED);
    }
}
