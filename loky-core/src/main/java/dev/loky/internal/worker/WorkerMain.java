package dev.loky.internal.worker;

import dev.loky.internal.protocol.FrameReader;
import dev.loky.internal.protocol.FrameWriter;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;

/**
 * The main class of a worker JVM. Before any user code runs it claims file descriptors 0 and 1 as
 * the channel to the parent and points {@code System.out} at stderr (which the parent drains into
 * its log), so that nothing a task prints can corrupt the protocol; {@code System.in} becomes empty.
 * It ignores SIGINT, SIGTERM and SIGHUP ({@link GroupSignals}): its parent decides when it goes.
 */
public final class WorkerMain {

    /** The system property set to {@code "true"} in every worker JVM. */
    public static final String WORKER_PROPERTY = "loky.worker.process";

    /** Exit status of a worker that halts after an {@link OutOfMemoryError}: {@link dev.loky.internal.protocol.ExitCodes#AFTER_OUT_OF_MEMORY}. */
    public static final int EXIT_AFTER_OUT_OF_MEMORY = dev.loky.internal.protocol.ExitCodes.AFTER_OUT_OF_MEMORY;

    private WorkerMain() {
    }

    /** {@code true} inside a loky worker JVM. */
    public static boolean isWorkerProcess() {
        return Boolean.getBoolean(WORKER_PROPERTY);
    }

    public static void main(String[] args) {
        GroupSignals.ignore();
        System.setProperty(WORKER_PROPERTY, "true");
        FileOutputStream channelOut = new FileOutputStream(FileDescriptor.out);
        FileInputStream channelIn = new FileInputStream(FileDescriptor.in);
        PrintStream log = System.err;
        System.setOut(log);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        FrameWriter writer = new FrameWriter(new BufferedOutputStream(channelOut, 1 << 16));
        FrameReader reader = new FrameReader(channelIn, line -> log.println("loky worker: unexpected input: " + line));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = WorkerMain.class.getClassLoader();
        }
        new WorkerLoop(reader, writer, loader, log).run();
    }
}
