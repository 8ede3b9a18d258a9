package dev.loky.spring.actuate;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code loky} endpoint ({@code /actuator/loky}): a read operation returns the pool's snapshot,
 * one entry per worker; a write operation ({@code POST {"maxWorkers": 3}}) resizes the pool and
 * returns the snapshot after the resize.
 */
@Endpoint(id = "loky")
public class LokyEndpoint {

    private final ProcessExecutor executor;

    public LokyEndpoint(ProcessExecutor executor) {
        this.executor = executor;
    }

    @ReadOperation
    public PoolDescriptor pool() {
        return PoolDescriptor.of(executor.snapshot()).withMembers(ClusterView.members(executor));
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
        executor.resize(maxWorkers);
        return PoolDescriptor.of(executor.snapshot());
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
     * @param members with {@code loky.cluster.enabled}, every member of the cluster (the other
     *     fields then cover the whole cluster); {@code null} otherwise
     */
    public record PoolDescriptor(String state, String startMethod, int maxWorkers, long liveWorkers, long busyWorkers,
            int queued, List<WorkerDescriptor> workers, CountersDescriptor counters, String lastStartupError,
            List<MemberDescriptor> members) implements OperationResponseBody {

        PoolDescriptor withMembers(List<MemberDescriptor> members) {
            return new PoolDescriptor(state, startMethod, maxWorkers, liveWorkers, busyWorkers, queued, workers, counters,
                    lastStartupError, members);
        }

        static PoolDescriptor of(PoolSnapshot snapshot) {
            PoolSnapshot.Counters c = snapshot.counters();
            return new PoolDescriptor(snapshot.state().name(), snapshot.startMethod().name().toLowerCase(Locale.ROOT), snapshot.maxWorkers(),
                    snapshot.liveWorkers(), snapshot.busyWorkers(), snapshot.queued(),
                    snapshot.workers().stream().map(WorkerDescriptor::of).toList(),
                    new CountersDescriptor(c.submitted(), c.succeeded(), c.failed(), c.cancelled(), c.crashes(),
                            new TreeMap<>(c.restarts()), c.startupFailures(), c.consecutiveStartupFailures()),
                    snapshot.lastStartupError() == null ? null : LokyHealthIndicator.abbreviate(snapshot.lastStartupError()), null);
        }
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
     * @param member the cluster member ({@code host:port}) whose pool holds the worker, or
     *     {@code null} without a cluster
     */
    public record WorkerDescriptor(int id, long pid, String state, String currentTask, long tasksDone, long rssBytes,
            long heapUsedBytes, double uptimeSeconds, String lastRestartReason, String member) {

        static WorkerDescriptor of(PoolSnapshot.Worker w) {
            return new WorkerDescriptor(w.id(), w.pid(), w.state().name(), w.currentTask(), w.tasksDone(), w.rssBytes(), w.heapUsedBytes(),
                    Math.round(w.uptime().toMillis() / 100.0) / 10.0, w.lastRestartReason(), w.member());
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
