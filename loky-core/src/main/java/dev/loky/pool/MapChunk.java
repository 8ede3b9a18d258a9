package dev.loky.pool;

import dev.loky.RemoteCallable;
import dev.loky.RemoteFunction;

/** One chunk of a {@code map}: a function and the items it applies to, sent as one task. */
final class MapChunk<T, R> implements RemoteCallable<Object[]> {

    private static final long serialVersionUID = 1L;

    private final RemoteFunction<T, R> function;
    private final Object[] items;

    MapChunk(RemoteFunction<T, R> function, Object[] items) {
        this.function = function;
        this.items = items;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object[] call() {
        Object[] results = new Object[items.length];
        for (int i = 0; i < items.length; i++) {
            results[i] = function.apply((T) items[i]);
        }
        return results;
    }

    int size() {
        return items.length;
    }
}
