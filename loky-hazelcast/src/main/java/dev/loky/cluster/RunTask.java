package dev.loky.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.loky.LokyException;
import dev.loky.RemoteCallable;
import dev.loky.TaskSerializationException;
import dev.loky.serialization.JavaTaskSerializer;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What travels through Hazelcast's executor service to the chosen member: the task as the bytes
 * core's serializer wrote in the caller. The member reads them back through core's deserialization
 * filter (not through Hazelcast's own Java deserialization, which has no such filter by default),
 * runs the task in its local pool and answers with a {@link Outcome} of bytes written the same way.
 *
 * <p>Runs on one of Hazelcast's executor threads and blocks it until the local pool answers; an
 * interrupt (Hazelcast cancels the call when the caller cancels its future) cancels the task.
 */
final class RunTask implements Callable<RunTask.Outcome>, HazelcastInstanceAware, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final byte[] task;
    private final long timeoutMillis;
    private transient HazelcastInstance instance;

    RunTask(byte[] task, Duration timeout) {
        this.task = task;
        this.timeoutMillis = timeout == null ? 0 : timeout.toMillis();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    public Outcome call() throws Exception {
        LocalMember local = LocalMember.of(instance);
        if (local == null) {
            return Outcome.failure(new LokyException("member " + Members.name(instance.getCluster().getLocalMember())
                    + " runs no loky cluster executor (or it was shut down); create one with ClusterExecutors.create"));
        }
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
     * its deserialization filter in the caller.
     */
    record Outcome(boolean failed, byte[] payload) implements Serializable {

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
}
