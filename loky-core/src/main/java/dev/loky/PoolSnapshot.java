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
 * @param maps the {@code map}, {@code imap} and {@code imapUnordered} calls still running, with their progress
 */
public record PoolSnapshot(
        State state,
        StartMethod startMethod,
        int maxWorkers,
        int queued,
        List<Worker> workers,
        Counters counters,
        String lastStartupError,
        List<MapRun> maps) {

    /** A snapshot without running maps. */
    public PoolSnapshot(State state, StartMethod startMethod, int maxWorkers, int queued, List<Worker> workers,
            Counters counters, String lastStartupError) {
        this(state, startMethod, maxWorkers, queued, workers, counters, lastStartupError, List.of());
    }

    /** This snapshot with these running maps. */
    public PoolSnapshot withMaps(List<MapRun> runningMaps) {
        return new PoolSnapshot(state, startMethod, maxWorkers, queued, workers, counters, lastStartupError, List.copyOf(runningMaps));
    }

    /** Workers that are ready or running a task. */
    public long liveWorkers() {
        return workers.stream().filter(w -> w.state() != WorkerState.STARTING).count();
    }

    /** A pool's life. */
    public enum State {
        /** Being prepared in the background (the Spring starter's pool before its workers can be launched); accepts tasks. */
        PREPARING,
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
     * @param insights where its time went, or {@code null} when the pool does not measure it
     * @param pssBytes its proportional set size: resident memory with pages shared with other
     *        processes (the workers' common CDS archive or AOT cache) counted as its share, so the
     *        memory each additional worker costs ({@code -1} unknown: not Linux, or a worker of
     *        another cluster member)
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
            String member,
            Insights insights,
            long pssBytes) {

        /** A worker whose proportional set size is unknown. */
        public Worker(int id, long pid, WorkerState state, String currentTask, long tasksDone, long rssBytes,
                long heapUsedBytes, Duration uptime, String lastRestartReason, String member, Insights insights) {
            this(id, pid, state, currentTask, tasksDone, rssBytes, heapUsedBytes, uptime, lastRestartReason, member, insights, -1);
        }

        /** A worker of a pool that is not part of a cluster, without insights. */
        public Worker(int id, long pid, WorkerState state, String currentTask, long tasksDone, long rssBytes,
                long heapUsedBytes, Duration uptime, String lastRestartReason) {
            this(id, pid, state, currentTask, tasksDone, rssBytes, heapUsedBytes, uptime, lastRestartReason, null, null, -1);
        }

        /** This worker, as one of {@code member}'s. */
        public Worker onMember(String member) {
            return new Worker(id, pid, state, currentTask, tasksDone, rssBytes, heapUsedBytes, uptime, lastRestartReason, member,
                    insights, pssBytes);
        }
    }
    /**
     * Where one worker's time went, measured by the pool (mpire's worker insights).
     *
     * @param startup from launching the worker to its being ready (JVM start, {@code init} included);
     *        {@code null} while it starts
     * @param init the part of start-up spent in the pool's initializer in the worker (for Spring: the
     *        slim context's boot); {@code null} while it starts, {@link Duration#ZERO} without initializer
     * @param working time spent running tasks since it was ready (the running task included)
     * @param waiting time spent ready without a task since it was ready
     */
    public record Insights(Duration startup, Duration init, Duration working, Duration waiting) {
    }

    /**
     * A {@code map} call that is still running.
     *
     * @param id a number unique within the pool
     * @param function what is mapped (the function's class, a lambda's defining class)
     * @param progress how far it has got, with its rate and ETA
     */
    public record MapRun(long id, String function, ProgressListener.Progress progress) {
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
