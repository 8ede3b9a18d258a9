package dev.loky.internal.worker;

import java.io.PrintStream;
import java.util.Optional;

/**
 * Halts the worker JVM when its parent is gone. The channel's end-of-file already tells that in
 * most cases; this covers a parent whose pipe ends outlive it (inherited by another process).
 */
final class ParentWatch {

    private static final long PERIOD_MILLIS = 500;

    private ParentWatch() {
    }

    static void start(long parentPid, PrintStream log, WorkerExit exit) {
        Thread watch = new Thread(() -> {
            while (true) {
                Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
                boolean alive = parent.map(ProcessHandle::isAlive).orElse(false)
                        && ProcessHandle.current().parent().map(p -> p.pid() == parentPid).orElse(false);
                if (!alive) {
                    log.println("loky worker: parent " + parentPid + " is gone; exiting");
                    exit.halt(0);
                }
                try {
                    Thread.sleep(PERIOD_MILLIS); // a polling period, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "loky-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
