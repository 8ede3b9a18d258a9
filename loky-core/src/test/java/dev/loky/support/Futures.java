package dev.loky.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for futures with generous no-hang bounds (never a timing assertion). */
public final class Futures {

    /** No future may take longer than this in these tests; it only catches hangs. */
    public static final long NO_HANG_SECONDS = 60;

    private Futures() {
    }

    /** The value of a future that must succeed. */
    public static <T> T value(Future<T> future) {
        try {
            return future.get(NO_HANG_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected a value, but the task failed with " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future hung for " + NO_HANG_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The exception a future fails with (unwrapped from {@link ExecutionException}). */
    public static Throwable failure(Future<?> future) {
        try {
            Object value = future.get(NO_HANG_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected the task to fail, but it returned " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (TimeoutException e) {
            throw new AssertionError("future hung for " + NO_HANG_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The exception a future fails with, which must be of this type. */
    public static <X extends Throwable> X failure(Future<?> future, Class<X> type) {
        Throwable t = failure(future);
        assertThat(t).as("failure of the task (full chain: %s)", chain(t)).isInstanceOf(type);
        return type.cast(t);
    }

    /** Every message and class name in a throwable's cause chain, for "mentions" assertions. */
    public static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(c);
            for (Throwable s : c.getSuppressed()) {
                sb.append(" [suppressed: ").append(s).append(']');
            }
        }
        return sb.toString();
    }

    /** Completes normally or exceptionally within the no-hang bound. */
    public static void awaitDone(CompletableFuture<?> future) {
        try {
            future.handle((v, e) -> null).get(NO_HANG_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future hung for " + NO_HANG_SECONDS + " s", e);
        }
    }
}
