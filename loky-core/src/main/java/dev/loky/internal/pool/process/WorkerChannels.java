package dev.loky.internal.pool.process;

import dev.loky.internal.pool.scheduling.WorkerSlot;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The pool's I/O side of its workers: one {@link WorkerChannel} per launched {@link WorkerSlot},
 * from its launch until its exit was handled. The scheduler's slots never hold their channel, so
 * its state stays free of I/O. Thread-safe: added under the pool's lock, read by any thread (the
 * effects, the watchdog, snapshots), removed by the thread that handled the worker's exit.
 */
public final class WorkerChannels {

    private final ConcurrentHashMap<WorkerSlot, WorkerChannel> bySlot = new ConcurrentHashMap<>();

    public void add(WorkerChannel channel) {
        bySlot.put(channel.slot(), channel);
    }

    /** The slot's channel; {@code null} before its launch (a slot waiting its turn) and after its exit was handled. */
    public WorkerChannel of(WorkerSlot w) {
        return bySlot.get(w);
    }

    public void remove(WorkerSlot w) {
        bySlot.remove(w);
    }
}
