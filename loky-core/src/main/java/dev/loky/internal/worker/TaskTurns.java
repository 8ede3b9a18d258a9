package dev.loky.internal.worker;

import dev.loky.internal.protocol.Frame;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The turns of a worker's two task threads ({@link WorkerLoop}): which thread holds the reader
 * role, the inbox of frames read while another ran, which task runs on which thread, and the
 * cancels that came before their task started.
 *
 * <p>Thread-safe: every method holds this object's monitor, so an interrupt meant for one task can
 * never hit the next, and a task's effects are visible to the thread that runs the next one (both
 * take the monitor between tasks).
 */
final class TaskTurns {

    /** How long a SHUTDOWN's reader waits for the last task's thread to come back (see {@link #lastReplyGone}). */
    static final long LAST_REPLY_WAIT_MILLIS = 200;

    /** Tasks (and a SHUTDOWN) read while another ran, in order. */
    private final ArrayDeque<Frame> inbox = new ArrayDeque<>();
    /** The thread holding the reader role, or {@code null} when it is free. */
    private Thread readerThread;
    /** A task (or the SHUTDOWN) is being run. */
    private boolean running;
    /** Task threads waiting in {@link #nextWork()} for work or the reader role. */
    private int standingBy;
    private long runningTaskId = -1;
    private Thread runningThread;
    private final Set<Long> cancelled = new HashSet<>();

    /**
     * For a task thread whose previous work, if any, is done: the next inbox frame to run, or
     * {@code null} when this thread took the reader role. Otherwise it stands by until one of the two.
     */
    synchronized Frame nextWork() {
        if (running) {
            running = false; // the caller's previous task is done
            notifyAll(); // a reader holding a SHUTDOWN may be waiting for this (lastReplyGone)
        }
        while (true) {
            if (!inbox.isEmpty()) {
                running = true;
                return inbox.poll();
            }
            if (readerThread == null) {
                readerThread = Thread.currentThread();
                return null;
            }
            standingBy++;
            try {
                wait();
            } catch (InterruptedException e) {
                // a cancel that came too late; there is no task to interrupt
            } finally {
                standingBy--;
            }
        }
    }

    /**
     * On the reader, a task (or the SHUTDOWN) it read: {@code true} when the reader runs it now,
     * {@code false} when it waits in the inbox. It runs now when nothing runs and the other thread
     * stands by to take the reader role over. A SHUTDOWN with nothing before it runs now too, but
     * keeps the reader role: its thread ends the JVM, and no other thread may sit in a native read
     * of the channel by then, or HotSpot's exit waits 300 ms for it (measured: close() of a pool of
     * two idle workers took 318 ms, of one 13 ms).
     */
    synchronized boolean runsNow(Frame work, boolean shutdown) {
        boolean lastWord = shutdown && inbox.isEmpty() && lastReplyGone();
        if (!lastWord && (running || !inbox.isEmpty() || standingBy == 0)) {
            inbox.add(work);
            notify();
            return false;
        }
        running = true;
        if (!lastWord) {
            readerThread = null;
            notify(); // the standing-by thread becomes the reader
        }
        return true;
    }

    /**
     * On the reader, with a SHUTDOWN read and nothing in the inbox: {@code true} once no task runs.
     * The parent sends SHUTDOWN only to a worker whose every reply it has, so a task still running
     * is one whose thread has sent its reply and is on its way back to {@link #nextWork()}; it gets
     * {@link #LAST_REPLY_WAIT_MILLIS}. Meanwhile nothing reads the channel, which is why the wait is
     * bounded: a task that truly runs still gets its cancel and its class bytes afterwards.
     */
    private boolean lastReplyGone() {
        long deadline = System.nanoTime() + LAST_REPLY_WAIT_MILLIS * 1_000_000L;
        try {
            for (long left = LAST_REPLY_WAIT_MILLIS; running && left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
                wait(left);
            }
        } catch (InterruptedException e) {
            // a cancel that came too late for the task this thread ran before; stop waiting
        }
        return !running;
    }

    /** Whether {@code thread} holds the reader role. */
    synchronized boolean isReader(Thread thread) {
        return readerThread == thread;
    }

    /** A {@code CANCEL}: interrupts the task if it runs, else remembers it for when it starts. */
    synchronized void cancel(long id) {
        if (runningTaskId == id && runningThread != null) {
            runningThread.interrupt();
        } else {
            cancelled.add(id);
        }
    }

    /** Task {@code id} starts on this thread; {@code false} when it was cancelled before it started. */
    synchronized boolean start(long id) {
        if (cancelled.remove(id)) {
            return false;
        }
        runningTaskId = id;
        runningThread = Thread.currentThread();
        return true;
    }

    /** The task started on this thread is done; a cancel that came too late must not hit the next task. */
    synchronized void finish() {
        runningTaskId = -1;
        runningThread = null;
        Thread.interrupted();
    }

    /** The id of the task running on {@code thread}, or {@code -1}. */
    synchronized long runningOn(Thread thread) {
        return runningThread == thread ? runningTaskId : -1;
    }

    /** Bytes of the tasks waiting in the inbox. */
    synchronized long queuedBytes() {
        long held = 0;
        for (Frame queued : inbox) {
            held += queued.payload().length;
        }
        return held;
    }
}
