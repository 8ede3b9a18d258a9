package dev.loky.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.loky.LokyException;
import dev.loky.RemoteCallable;
import dev.loky.TaskSerializationException;
import dev.loky.serialization.JavaTaskSerializer;

import java.io.Serial;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What travels through Hazelcast's executor service to the chosen member: the task as the bytes
 * core's serializer wrote in the caller, sealed for that member with the cluster secret
 * ({@link ClusterSeal}). The member verifies and decrypts them (a call that does not verify is
 * counted and dropped: nothing of it is read), reads the task back through core's deserialization
 * filter, runs it in its local pool and answers with an {@link Outcome} sealed for the caller.
 *
 * <p>Runs on one of Hazelcast's executor threads and blocks it until the local pool answers; an
 * interrupt (Hazelcast cancels the call when the caller cancels its future) cancels the task.
 */
final class RunTask implements Callable<RunTask.Sealed>, HazelcastInstanceAware, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The sealed {@code timeout in millis | task bytes}. */
    private final byte[] sealed;
    private transient HazelcastInstance instance;

    private RunTask(byte[] sealed) {
        this.sealed = sealed;
    }

    /** The call of {@code task} (core-serialized) to {@code target}, sealed by {@code local}. */
    static RunTask to(LocalMember local, UUID target, byte[] task, Duration timeout) {
        byte[] plain = ByteBuffer.allocate(8 + task.length).putLong(timeout == null ? 0 : timeout.toMillis()).put(task).array();
        return new RunTask(local.seal().seal(ClusterSeal.Purpose.CALL, local.uuid(), target, plain));
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    public Sealed call() throws Exception {
        LocalMember local = LocalMember.of(instance);
        if (local == null) {
            return null; // no loky cluster executor here, so no key either: the caller says so
        }
        ClusterSeal.Opened call = local.seal().open(ClusterSeal.Purpose.CALL, sealed, null, local.uuid());
        if (call == null) {
            return null; // not from a member with the secret (or replayed): dropped unread, counted
        }
        ByteBuffer plain = ByteBuffer.wrap(call.payload());
        long timeoutMillis = plain.getLong();
        byte[] task = java.util.Arrays.copyOfRange(call.payload(), 8, call.payload().length);
        return answer(local, call.sender(), timeoutMillis, task).sealedFor(local, call.sender());
    }

    private Outcome answer(LocalMember local, UUID caller, long timeoutMillis, byte[] task) throws Exception {
        RemoteCallable<?> callable;
        try {
            callable = (RemoteCallable<?>) JavaTaskSerializer.INSTANCE.deserialize(task, Members.loader(instance));
        } catch (Exception | LinkageError e) {
            return Outcome.failure(new TaskSerializationException(TaskSerializationException.Side.ARGUMENT_IN_WORKER,
                    "the task could not be deserialized on member " + Members.name(instance.getCluster().getLocalMember())
                            + " (is the same application on every member?): " + e, e));
        }
        CompletableFuture<?> future;
        try {
            future = local.submit(callable, timeoutMillis == 0 ? null : Duration.ofMillis(timeoutMillis));
        } catch (RuntimeException e) {
            return Outcome.failure(e);
        }
        try {
            return Outcome.success(future.get());
        } catch (ExecutionException e) {
            return Outcome.failure(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    /**
     * A task's value or exception, written by core's serializer on the member; read back through
     * its deserialization filter in the caller. Travels sealed ({@link Sealed}).
     */
    record Outcome(boolean failed, byte[] payload) {

        /** This outcome sealed by {@code local} for {@code caller}: {@code failed | payload}. */
        Sealed sealedFor(LocalMember local, UUID caller) {
            byte[] plain = ByteBuffer.allocate(1 + payload.length).put((byte) (failed ? 1 : 0)).put(payload).array();
            return new Sealed(local.seal().seal(ClusterSeal.Purpose.OUTCOME, local.uuid(), caller, plain));
        }

        /** The outcome in {@code sealed} if {@code from} sealed it for {@code local}, else {@code null}. */
        static Outcome open(LocalMember local, Sealed sealed, UUID from) {
            ClusterSeal.Opened opened = local.seal().open(ClusterSeal.Purpose.OUTCOME, sealed == null ? null : sealed.bytes(),
                    from, local.uuid());
            if (opened == null || opened.payload().length < 1) {
                return null;
            }
            return new Outcome(opened.payload()[0] == 1, java.util.Arrays.copyOfRange(opened.payload(), 1, opened.payload().length));
        }

        static Outcome success(Object value) {
            try {
                return new Outcome(false, JavaTaskSerializer.INSTANCE.serialize(value));
            } catch (Exception e) {
                return failure(new TaskSerializationException(TaskSerializationException.Side.RESULT_IN_WORKER,
                        "the task's result (" + value.getClass().getName() + ") could not be serialized: " + e, null));
            }
        }

        static Outcome failure(Throwable error) {
            try {
                return new Outcome(true, JavaTaskSerializer.INSTANCE.serialize(error));
            } catch (Exception e) {
                try {
                    return new Outcome(true, JavaTaskSerializer.INSTANCE.serialize(new LokyException(String.valueOf(error))));
                } catch (Exception impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        }
    }

    /** An {@link Outcome} as it travels: sealed bytes. */
    record Sealed(byte[] bytes) implements Serializable {
    }
}
