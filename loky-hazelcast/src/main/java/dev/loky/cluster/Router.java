package dev.loky.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the member that runs the next call.
 *
 * <p>A member's spare capacity is its pool size minus the calls it runs or queues: for this member
 * the exact count, for another the larger of what it last published and what this member has sent
 * it and not seen answered (so that a burst from here spreads at once instead of waiting for the
 * next publication). {@code LOCAL_FIRST} keeps a call here while this member has an idle worker;
 * otherwise (and always for {@code LEAST_LOADED}) the member with the most spare capacity wins,
 * ties going round-robin. Only members that publish a load (that run a loky cluster executor) are
 * candidates.
 *
 * <p>Thread-safe and lock-free; decisions made at the same moment may pick the same member.
 */
final class Router {

    private final HazelcastInstance instance;
    private final LoadBoard board;
    private final LocalMember local;
    private final RemoteCalls calls;
    private final ClusterExecutors.Routing routing;
    private final AtomicInteger turn = new AtomicInteger();

    Router(HazelcastInstance instance, LoadBoard board, LocalMember local, RemoteCalls calls, ClusterExecutors.Routing routing) {
        this.instance = instance;
        this.board = board;
        this.local = local;
        this.calls = calls;
        this.routing = routing;
    }

    Member choose() {
        Member self = instance.getCluster().getLocalMember();
        int localSpare = local.maxWorkers() - local.active();
        if (routing == ClusterExecutors.Routing.LOCAL_FIRST && localSpare > 0) {
            return self;
        }
        List<Member> best = new ArrayList<>();
        best.add(self);
        int bestSpare = localSpare;
        for (Member member : instance.getCluster().getMembers()) {
            if (member.localMember()) {
                continue;
            }
            LoadBoard.Load load = board.get(member.getUuid());
            if (load == null) {
                continue;
            }
            int spare = load.maxWorkers() - Math.max(load.active(), calls.outstanding(member.getUuid()));
            if (spare > bestSpare) {
                best.clear();
                bestSpare = spare;
            }
            if (spare == bestSpare) {
                best.add(member);
            }
        }
        return best.size() == 1 ? best.get(0) : best.get(Math.floorMod(turn.getAndIncrement(), best.size()));
    }

    /** The workers of every member that publishes a load: how many chunks a map keeps busy. */
    int parallelism() {
        int total = local.maxWorkers();
        for (Member member : instance.getCluster().getMembers()) {
            LoadBoard.Load load = member.localMember() ? null : board.get(member.getUuid());
            if (load != null) {
                total += load.maxWorkers();
            }
        }
        return total;
    }
}
