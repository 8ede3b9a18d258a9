package dev.loky;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A consistent picture of a pool at one moment: its workers, its queue and its counters.
 *
 * @param state whether the pool accepts tasks
 * @param startMethod how the workers run
 * @param maxWorkers the pool's current size limit
 * @param queued tasks waiting for a worker
 * @param workers one entry per live or starting worker
 * @param counters totals since the pool was created
 * @param lastStartupError the last worker startup failure's message, or {@code null}
 */
public record PoolSnapshot(
        State state,
        StartMethod startMethod,
        int maxWorkers,
        int queued,
        List<Worker> workers,
        Counters counters,
        String lastStartupError) {

    /** Workers that are ready or running a task. */
    public long liveWorkers() {
        return workers.stream().filter(w -> w.state() != WorkerState.STARTING).count();
    }

    /** A pool's life. */
    public enum State {
        /** Accepts tasks. */
        RUNNING,
        /** Refuses new tasks; finishing the accepted ones. */
        SHUTTING_DOWN,
        /** No task and no worker left. */
        TERMINATED
    }

    /** A worker's life, as a snapshot shows it. */
    public enum WorkerState {
        /** Launched, not ready yet. */
        STARTING,
        /** Ready, without a task. */
        IDLE,
        /** Running a task (and possibly holding more, sent ahead). */
        BUSY,
        /** Leaving: told to exit or being killed; takes no new task. */
        RETIRING
    }

    /** Workers running a task. */
    public long busyWorkers() {
        return workers.stream().filter(w -> w.currentTask() != null).count();
    }

    /**
     * One worker.
     *
     * @param id the pool-local worker number
     * @param pid the process id ({@code -1} while unknown; the caller's pid for {@code THREADS})
     * @param state where it is in its life
     * @param currentTask what it runs now, or {@code null}
     * @param tasksDone tasks it completed
     * @param rssBytes resident memory of its process ({@code -1} unknown)
     * @param heapUsedBytes heap in use as it last reported ({@code -1} unknown)
     * @param uptime time since it was started
     * @param lastRestartReason why the worker it replaced went away, or {@code null}
     * @param member the cluster member ({@code host:port}) whose pool holds the worker, or
     *        {@code null} for a pool that is not part of a cluster
     */
    public record Worker(
            int id,
            long pid,
            WorkerState state,
            String currentTask,
            long tasksDone,
            long rssBytes,
            long heapUsedBytes,
            Duration uptime,
            String lastRestartReason,
            String member) {

        /** A worker of a pool that is not part of a cluster. */
        public Worker(int id, long pid, WorkerState state, String currentTask, long tasksDone, long rssBytes,
                long heapUsedBytes, Duration uptime, String lastRestartReason) {
            this(id, pid, state, currentTask, tasksDone, rssBytes, heapUsedBytes, uptime, lastRestartReason, null);
        }

        /** This worker, as one of {@code member}'s. */
        public Worker onMember(String member) {
            return new Worker(id, pid, state, currentTask, tasksDone, rssBytes, heapUsedBytes, uptime, lastRestartReason, member);
        }
    }

    /**
     * Totals since the pool was created.
     *
     * @param submitted tasks accepted
     * @param succeeded tasks that returned a value
     * @param failed tasks that ended in an exception (their own, a crash, a timeout, ...)
     * @param cancelled tasks cancelled
     * @param crashes workers that died unexpectedly
     * @param restarts worker replacements by reason tag ({@code crash}, {@code memory-leak}, ...)
     * @param startupFailures workers that failed to start
     * @param consecutiveStartupFailures startup failures since the last successful start
     */
    public record Counters(
            long submitted,
            long succeeded,
            long failed,
            long cancelled,
            long crashes,
            Map<String, Long> restarts,
            long startupFailures,
            long consecutiveStartupFailures) {
    }
}
