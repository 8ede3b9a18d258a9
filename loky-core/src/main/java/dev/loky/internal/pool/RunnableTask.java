package dev.loky.internal.pool;

import dev.loky.RemoteCallable;
import dev.loky.RemoteRunnable;

/** A {@link RemoteRunnable} shipped as a callable that returns {@code null}. */
final class RunnableTask implements RemoteCallable<Void> {

    private static final long serialVersionUID = 1L;

    private final RemoteRunnable runnable;

    RunnableTask(RemoteRunnable runnable) {
        this.runnable = runnable;
    }

    @Override
    public Void call() {
        runnable.run();
        return null;
    }

    @Override
    public String toString() {
        return runnable.getClass().getName();
    }
}
