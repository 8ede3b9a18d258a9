package dev.loky.internal.pool.scheduling;

import dev.loky.WorkerStartupException;

import java.util.List;

/**
 * What a worker's exit meant: the task it was running (to fail), why it left, and for a failed
 * start the error and the tasks that failed with it.
 */
public record Departure(PoolTask<?> lost, Leaving why, WorkerStartupException startupError,
        List<PoolTask<?>> failedWithStartup) {

    static final Departure NOTHING = new Departure(null, null, null, List.of());
}
