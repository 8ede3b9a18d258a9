package dev.loky.internal.worker;

import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.FrameWriter;

import java.io.IOException;

/**
 * Tells the parent this worker is alive: a {@link FrameType#HEARTBEAT} frame every interval, from a
 * daemon thread of its own, so a long task never misses one; the parent kills a worker that stays
 * silent past its heartbeat timeout (frozen by SIGSTOP, swapped out, a long stop-the-world pause).
 * While a big value is being streamed the writer is busy and the heartbeat waits: its chunks tell
 * the parent as much.
 */
final class Heartbeat {

    private Heartbeat() {
    }

    static void start(FrameWriter writer, long intervalMillis, WorkerExit exit) {
        Thread beat = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(intervalMillis); // a period, not a wait for a condition
                    writer.write(FrameType.HEARTBEAT, 0, new byte[0]);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    exit.halt(0); // the parent is gone
                }
            }
        }, "loky-heartbeat");
        beat.setDaemon(true);
        beat.start();
    }
}
