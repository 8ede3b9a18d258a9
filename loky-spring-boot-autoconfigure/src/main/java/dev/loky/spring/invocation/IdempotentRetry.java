package dev.loky.spring.invocation;

import dev.loky.ClusterMemberLostException;
import dev.loky.ProcessExecutor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * An {@code @ProcessAsync(idempotent = true)} call: when the cluster member that held it leaves
 * before answering ({@link ClusterMemberLostException}), it is submitted once more; the executor
 * routes it among the members that are left. A second loss, or any other failure, fails the call.
 *
 * <p>Thread-safe: attempts complete on the executor's threads; cancelling the returned future
 * cancels whichever attempt is current.
 */
final class IdempotentRetry extends CompletableFuture<byte[]> {

    private volatile CompletableFuture<byte[]> attempt;

    private IdempotentRetry() {
    }

    static CompletableFuture<byte[]> submit(ProcessExecutor pool, ProcessAsyncCall call, Duration timeout) {
        IdempotentRetry result = new IdempotentRetry();
        CompletableFuture<byte[]> first = pool.submit(call, timeout);
        result.attempt = first;
        first.whenComplete((value, error) -> {
            if (error != null && Exceptions.unwrap(error) instanceof ClusterMemberLostException && !result.isDone()) {
                CompletableFuture<byte[]> second;
                try {
                    second = pool.submit(call, timeout);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                    return;
                }
                result.attempt = second;
                second.whenComplete(result::relay);
            } else {
                result.relay(value, error);
            }
        });
        return result;
    }

    private void relay(byte[] value, Throwable error) {
        if (error != null) {
            completeExceptionally(Exceptions.unwrap(error));
        } else {
            complete(value);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        CompletableFuture<byte[]> current = attempt;
        if (cancelled && current != null) {
            current.cancel(mayInterruptIfRunning);
        }
        return cancelled;
    }
}
