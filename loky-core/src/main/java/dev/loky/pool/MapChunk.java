package dev.loky.pool;

import dev.loky.RemoteCallable;
import dev.loky.RemoteFunction;

/**
 * One chunk of a {@code map}: a function and the items it applies to, sent as one task. Items and
 * results travel as {@link PackedValues}.
 */
final class MapChunk<T, R> implements RemoteCallable<PackedValues> {

    private static final long serialVersionUID = 1L;

    private final RemoteFunction<T, R> function;
    private final PackedValues items;
    private final transient int size;

    MapChunk(RemoteFunction<T, R> function, Object[] items) {
        this.function = function;
        this.items = PackedValues.pack(items);
        this.size = items.length;
    }

    @Override
    @SuppressWarnings("unchecked")
    public PackedValues call() {
        Object[] values = items.unpack();
        Object[] results = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            results[i] = function.apply((T) values[i]);
        }
        return PackedValues.pack(results);
    }

    /** The number of items (in the parent, where the chunk was built). */
    int size() {
        return size;
    }
}
