package dev.loky.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.loky.ClusterMemberLostException;
import dev.loky.LokyException;
import dev.loky.TaskSerializationException;
import dev.loky.serialization.JavaTaskSerializer;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The calls this member has sent to other members and not yet seen answered, by target member.
 *
 * <p>A call ends in exactly one of three ways, whichever comes first: the member's answer, a failure
 * reported by Hazelcast (a {@link MemberLeftException} when the target leaves while the call runs),
 * or this class's {@link MembershipListener} seeing the target removed from the cluster; the last
 * two give {@link ClusterMemberLostException}. The listener is what guarantees that no call waits
 * for a member that is gone, whatever Hazelcast's invocation does.
 *
 * <p>Thread-safe: futures are completed from Hazelcast's threads and the caller's; a
 * {@link CompletableFuture} keeps the first completion.
 */
final class RemoteCalls implements MembershipListener {

    private final HazelcastInstance instance;
    private final IExecutorService executor;
    private final LocalMember local;
    private final Map<UUID, Set<RemoteFuture<?>>> byMember = new ConcurrentHashMap<>();

    RemoteCalls(HazelcastInstance instance, IExecutorService executor, LocalMember local) {
        this.instance = instance;
        this.executor = executor;
        this.local = local;
    }

    /** Calls sent to {@code member} and not finished. */
    int outstanding(UUID member) {
        Set<RemoteFuture<?>> calls = byMember.get(member);
        return calls == null ? 0 : calls.size();
    }

    /** Calls sent to any member and not finished. */
    int outstanding() {
        return byMember.values().stream().mapToInt(Set::size).sum();
    }

    /** Sends {@code task} to {@code target}; the future completes with its value or exception. */
    <T> CompletableFuture<T> send(Member target, RunTask task) {
        RemoteFuture<T> future = new RemoteFuture<>();
        Set<RemoteFuture<?>> calls = byMember.computeIfAbsent(target.getUuid(), uuid -> ConcurrentHashMap.newKeySet());
        calls.add(future);
        future.whenComplete((value, error) -> calls.remove(future));
        Future<RunTask.Sealed> remote;
        try {
            remote = executor.submitToMember(task, target);
        } catch (RuntimeException e) {
            future.completeExceptionally(translate(target, e));
            return future;
        }
        future.remote = remote;
        ((CompletionStage<RunTask.Sealed>) remote).whenComplete((sealed, error) -> {
            if (error != null) {
                future.completeExceptionally(translate(target, error));
                return;
            }
            RunTask.Outcome outcome = RunTask.Outcome.open(local, sealed, target.getUuid());
            if (outcome == null) {
                // never read: a member without the secret (or none of ours) cannot forge a result
                future.completeExceptionally(new LokyException("the answer of cluster member " + Members.name(target)
                        + " did not verify with the cluster secret and was dropped unread (does it run a loky cluster executor"
                        + " with the same loky.cluster.secret?)"));
            } else {
                complete(future, outcome, Members.loader(instance));
            }
        });
        if (!instance.getCluster().getMembers().contains(target)) {
            // it left between routing and registration: the listener may already have run
            future.completeExceptionally(lost(target, null));
        }
        return future;
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(CompletableFuture<T> future, RunTask.Outcome outcome, ClassLoader loader) {
        Object value;
        try {
            value = JavaTaskSerializer.INSTANCE.deserialize(outcome.payload(), loader);
        } catch (Exception | LinkageError e) {
            future.completeExceptionally(new TaskSerializationException(TaskSerializationException.Side.RESULT_IN_PARENT,
                    "the answer of another member could not be deserialized: " + e, e));
            return;
        }
        if (outcome.failed()) {
            future.completeExceptionally((Throwable) value);
        } else {
            future.complete((T) value);
        }
    }

    private static Throwable translate(Member target, Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CancellationException) {
            return cause;
        }
        if (cause instanceof MemberLeftException || cause instanceof TargetNotMemberException) {
            return lost(target, cause);
        }
        return new LokyException("the call to cluster member " + Members.name(target) + " failed in Hazelcast: " + cause, cause);
    }

    private static ClusterMemberLostException lost(Member target, Throwable cause) {
        return new ClusterMemberLostException(Members.name(target), "cluster member " + Members.name(target)
                + " left the cluster before it answered; the call may or may not have run there", cause);
    }

    /** Cancels every call still waiting for another member. */
    void cancelAll() {
        byMember.values().forEach(calls -> calls.forEach(call -> call.cancel(true)));
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        // a new member receives work once it publishes its load
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        Set<RemoteFuture<?>> calls = byMember.remove(event.getMember().getUuid());
        if (calls != null) {
            ClusterMemberLostException lost = lost(event.getMember(), null);
            calls.forEach(call -> call.completeExceptionally(lost));
        }
    }

    /** The caller's future: cancelling it cancels the call on the member (which cancels the task). */
    static final class RemoteFuture<T> extends CompletableFuture<T> {

        volatile Future<?> remote;

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            Future<?> call = remote;
            if (cancelled && call != null) {
                call.cancel(true);
            }
            return cancelled;
        }
    }
}
