package dev.loky.internal.worker;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Makes a worker deaf to the signals that are meant for its parent or its parent's terminal: a
 * Ctrl-C sends SIGINT to the whole foreground process group, a closing terminal sends SIGHUP, and
 * systemd's default {@code KillMode=control-group} sends SIGTERM to every process of the service.
 * Dying from those would kill running tasks while the parent is still draining them; instead the
 * parent decides when a worker goes (it closes the channel or kills it with SIGKILL), and a worker
 * whose parent is gone exits by itself ({@link ParentWatch}, end of input). To stop a worker by hand,
 * use SIGKILL.
 *
 * <p>Called first thing in {@link WorkerMain#main}; a signal that arrives during the JVM's own
 * start-up, before that, still ends the worker (the parent then sees a failed start and retries).
 */
final class GroupSignals {

    private GroupSignals() {
    }

    static void ignore() {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                Signal.handle(new Signal(name), SignalHandler.SIG_IGN);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // -Xrs, or a platform without this signal: the default disposition stays
            }
        }
    }
}
