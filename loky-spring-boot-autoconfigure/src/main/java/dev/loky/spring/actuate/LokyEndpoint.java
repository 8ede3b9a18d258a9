package dev.loky.spring.actuate;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;
import dev.loky.ProgressListener;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code loky} endpoint ({@code /actuator/loky}): a read operation returns the pool's snapshot,
 * one entry per worker; a write operation ({@code POST {"maxWorkers": 3}}) resizes the pool and
 * returns the snapshot after the resize. Reading is open like any exposed endpoint; the write
 * operation only where the user grants it ({@code management.endpoint.loky.access=unrestricted}),
 * and then bounded by {@code loky.max-workers-limit}: one unauthenticated request must not be able
 * to start hundreds of JVMs.
 */
@Endpoint(id = "loky", defaultAccess = Access.READ_ONLY)
public class LokyEndpoint {

    private final ProcessExecutor executor;
    private final LokyInsights insights;

    public LokyEndpoint(ProcessExecutor executor) {
        this(executor, null);
    }

    /** @param insights the slowest recent calls and recent failures to show, or {@code null} */
    public LokyEndpoint(ProcessExecutor executor, LokyInsights insights) {
        this.executor = executor;
        this.insights = insights;
    }

    @ReadOperation
    public PoolDescriptor pool() {
        return PoolDescriptor.of(executor.snapshot(), insights).withMembers(ClusterView.members(executor));
    }

    /**
     * Changes the pool's maximum number of workers. Growing starts workers only when tasks wait;
     * shrinking retires idle workers first and lets busy ones finish their task.
     */
    @WriteOperation
    public PoolDescriptor resize(int maxWorkers) {
        if (maxWorkers < 1) {
            throw new InvalidEndpointRequestException("maxWorkers must be 1 or more, but was " + maxWorkers,
                    "maxWorkers must be 1 or more");
        }
        if (executor.isShutdown()) {
            throw new InvalidEndpointRequestException("the pool is shut down", "the pool is shut down");
        }
        try {
            executor.resize(maxWorkers);
        } catch (IllegalArgumentException ex) {
            // above loky.max-workers-limit: a 400 that names the limit
            throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
        }
        return PoolDescriptor.of(executor.snapshot(), insights);
    }

    /**
     * The pool, as the endpoint shows it.
     *
     * @param state RUNNING, SHUTTING_DOWN or TERMINATED
     * @param startMethod spawn or threads
     * @param maxWorkers the current size limit
     * @param liveWorkers workers ready or running a task
     * @param busyWorkers workers running a task
     * @param queued tasks waiting for a worker
     * @param workers one entry per worker (starting, idle, busy or retiring)
     * @param counters totals since the pool was created
     * @param lastStartupError the last worker startup failure, or {@code null}
     * @param maps the {@code map} calls running, with their progress
     * @param slowCalls the slowest recent calls, slowest first (empty without insights)
     * @param recentFailures the recent failed calls, newest first, with the worker's stack trace
     * @param members with {@code loky.cluster.enabled}, every member of the cluster (the other
     *     fields then cover the whole cluster); {@code null} otherwise
     */
    public record PoolDescriptor(String state, String startMethod, int maxWorkers, long liveWorkers, long busyWorkers,
            int queued, List<WorkerDescriptor> workers, CountersDescriptor counters, String lastStartupError,
            List<MapDescriptor> maps, List<LokyInsights.Call> slowCalls, List<LokyInsights.Failure> recentFailures,
            List<MemberDescriptor> members) implements OperationResponseBody {

        PoolDescriptor withMembers(List<MemberDescriptor> members) {
            return new PoolDescriptor(state, startMethod, maxWorkers, liveWorkers, busyWorkers, queued, workers, counters,
                    lastStartupError, maps, slowCalls, recentFailures, members);
        }

        static PoolDescriptor of(PoolSnapshot snapshot, LokyInsights insights) {
            PoolDescriptor pool = of(snapshot);
            return new PoolDescriptor(pool.state, pool.startMethod, pool.maxWorkers, pool.liveWorkers, pool.busyWorkers,
                    pool.queued, pool.workers, pool.counters, pool.lastStartupError,
                    snapshot.maps().stream().map(MapDescriptor::of).toList(),
                    insights == null ? List.of() : insights.slowestCalls(),
                    insights == null ? List.of() : insights.recentFailures(), null);
        }

        static PoolDescriptor of(PoolSnapshot snapshot) {
            PoolSnapshot.Counters c = snapshot.counters();
            return new PoolDescriptor(snapshot.state().name(), snapshot.startMethod().name().toLowerCase(Locale.ROOT), snapshot.maxWorkers(),
                    snapshot.liveWorkers(), snapshot.busyWorkers(), snapshot.queued(),
                    snapshot.workers().stream().map(WorkerDescriptor::of).toList(),
                    new CountersDescriptor(c.submitted(), c.succeeded(), c.failed(), c.cancelled(), c.crashes(),
                            new TreeMap<>(c.restarts()), c.startupFailures(), c.consecutiveStartupFailures()),
                    snapshot.lastStartupError() == null ? null : LokyHealthIndicator.abbreviate(snapshot.lastStartupError()),
                    List.of(), List.of(), List.of(), null);
        }
    }

    /**
     * A running {@code map}.
     *
     * @param id its number in the pool
     * @param function what is mapped
     * @param completed items whose results are in
     * @param total items in all, {@code -1} while unknown
     * @param elapsedSeconds since it started
     * @param ratePerSecond items per second so far
     * @param etaSeconds estimated time left, or {@code null} while unknown
     */
    public record MapDescriptor(long id, String function, long completed, long total, double elapsedSeconds,
            double ratePerSecond, Double etaSeconds) {

        static MapDescriptor of(PoolSnapshot.MapRun run) {
            ProgressListener.Progress p = run.progress();
            return new MapDescriptor(run.id(), run.function(), p.completed(), p.total(), seconds(p.elapsed()),
                    Math.round(p.ratePerSecond() * 10) / 10.0, p.eta() == null ? null : seconds(p.eta()));
        }
    }

    static Double seconds(Duration d) {
        return d == null ? null : Math.round(d.toMillis() / 10.0) / 100.0;
    }

    /**
     * One worker.
     *
     * @param id the pool-local worker number
     * @param pid its process id ({@code -1} while unknown)
     * @param state STARTING, IDLE, BUSY or RETIRING
     * @param currentTask what it runs now (for {@code @ProcessAsync} calls: the method and bean), or {@code null}
     * @param tasksDone tasks it completed
     * @param rssBytes resident memory of its process ({@code -1} unknown)
     * @param heapUsedBytes heap in use as it last reported ({@code -1} unknown)
     * @param uptimeSeconds seconds since it was started
     * @param lastRestartReason why the worker it replaced went away (crash, memory-leak, max-tasks,
     *     timeout), or {@code null}
     * @param startupSeconds launch to ready (JVM start and init), {@code null} while starting or unmeasured
     * @param initSeconds the part of start-up spent in the initializer (the slim Spring context's boot)
     * @param workingSeconds time spent running tasks since it was ready
     * @param waitingSeconds time spent ready without a task
     * @param member the cluster member ({@code host:port}) whose pool holds the worker, or
     *     {@code null} without a cluster
     * @param pssBytes its proportional set size: resident memory with the pages it shares with the
     *     other workers (their common start-up cache) counted as its share, so what one more worker
     *     costs ({@code -1} unknown: not Linux, or another member's worker)
     */
    public record WorkerDescriptor(int id, long pid, String state, String currentTask, long tasksDone, long rssBytes,
            long heapUsedBytes, double uptimeSeconds, String lastRestartReason, Double startupSeconds, Double initSeconds,
            Double workingSeconds, Double waitingSeconds, String member, long pssBytes) {

        static WorkerDescriptor of(PoolSnapshot.Worker w) {
            PoolSnapshot.Insights i = w.insights();
            return new WorkerDescriptor(w.id(), w.pid(), w.state().name(), w.currentTask(), w.tasksDone(), w.rssBytes(), w.heapUsedBytes(),
                    Math.round(w.uptime().toMillis() / 100.0) / 10.0, w.lastRestartReason(),
                    i == null ? null : seconds(i.startup()), i == null ? null : seconds(i.init()),
                    i == null ? null : seconds(i.working()), i == null ? null : seconds(i.waiting()), w.member(), w.pssBytes());
        }
    }

    /**
     * One member of the cluster.
     *
     * @param name its Hazelcast endpoint, {@code host:port}
     * @param local whether it is the member answering this request
     * @param reachable whether it published its load in the last few seconds
     * @param maxWorkers its pool's size
     * @param live its workers ready or busy
     * @param busy its workers running a task
     * @param queued tasks waiting in its pool
     */
    public record MemberDescriptor(String name, boolean local, boolean reachable, int maxWorkers, int live, int busy, int queued) {
    }

    /**
     * Totals since the pool was created.
     *
     * @param submitted tasks accepted
     * @param succeeded tasks that returned a value
     * @param failed tasks that ended in an exception (their own, a crash, a timeout, ...)
     * @param cancelled tasks cancelled
     * @param crashes workers that died unexpectedly
     * @param restarts worker replacements by reason
     * @param startupFailures workers that failed to start
     * @param consecutiveStartupFailures startup failures since the last successful start
     */
    public record CountersDescriptor(long submitted, long succeeded, long failed, long cancelled, long crashes,
            Map<String, Long> restarts, long startupFailures, long consecutiveStartupFailures) {
    }
}
