package dev.loky.internal.pool;

import dev.loky.RemoteCallable;
import dev.loky.internal.protocol.ReplVariables;

import java.util.Map;

/**
 * A task from jshell that carries the session's variables that changed since their classes were
 * shipped to workers: the worker sets them, then runs the task (see {@link ReplVariables}).
 */
final class WithReplVariables<T> implements RemoteCallable<T> {

    private static final long serialVersionUID = 1L;

    private final Map<String, Map<String, byte[]>> variables;
    private final RemoteCallable<T> task;

    WithReplVariables(Map<String, Map<String, byte[]>> variables, RemoteCallable<T> task) {
        this.variables = variables;
        this.task = task;
    }

    @Override
    public T call() throws Exception {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (Map.Entry<String, Map<String, byte[]>> e : variables.entrySet()) {
            ReplVariables.apply(Class.forName(e.getKey(), false, loader), e.getValue(), loader);
        }
        return task.call();
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
