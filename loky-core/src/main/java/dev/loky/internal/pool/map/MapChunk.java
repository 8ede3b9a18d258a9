package dev.loky.internal.pool.map;

import dev.loky.RemoteCallable;
import dev.loky.RemoteFunction;
import dev.loky.internal.protocol.BetweenItems;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One chunk of a {@code map}: a function and the items it applies to, sent as one task. Items and
 * results travel as {@link PackedValues}. An item's exception does not end the chunk (unless the
 * map fails fast, when nothing after it is needed): it is recorded beside the results, so the
 * chunk's good results still come back. After each item it tells the worker ({@link BetweenItems}),
 * which reports the chunk's progress to the caller as it goes. An {@link OutOfMemoryError} is not caught: the worker is
 * replaced, and the parent re-runs the chunk's items one by one to find the culprit. When the
 * worker keeps more memory than its leak threshold allows after an item ({@link BetweenItems}), the
 * chunk stops there and hands back what it ran: the worker is recycled after this reply, and the
 * parent runs the rest as a chunk of its own.
 */
public final class MapChunk<T, R> implements RemoteCallable<MapChunk.Result> {

    private static final long serialVersionUID = 1L;

    private final RemoteFunction<T, R> function;
    private final PackedValues items;
    private final boolean failFast;
    private final transient int size;
    /** Index in the map's input of its first item (in the parent, for messages). */
    private final transient long start;

    MapChunk(RemoteFunction<T, R> function, Object[] items, boolean failFast, long start) {
        this.function = function;
        this.items = PackedValues.pack(items);
        this.failFast = failFast;
        this.size = items.length;
        this.start = start;
    }

    /** What a message calls it: {@code map item 13}, or {@code map items 0-63}. */
    public String describe() {
        return size == 1 ? "map item " + start : "map items " + start + "-" + (start + size - 1);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Result call() {
        Object[] values = items.unpack();
        Object[] results = new Object[values.length];
        List<Integer> failedAt = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        int ran = values.length;
        for (int i = 0; i < values.length; i++) {
            try {
                results[i] = function.apply((T) values[i]);
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (Throwable t) {
                failedAt.add(i);
                errors.add(t);
                if (failFast) {
                    break;
                }
            }
            values[i] = null; // not this worker's memory any more
            if (BetweenItems.afterItem(i + 1, failedAt.size()) && i + 1 < values.length) {
                ran = i + 1;
                break;
            }
        }
        return new Result(PackedValues.pack(java.util.Arrays.copyOf(results, ran)),
                failedAt.stream().mapToInt(Integer::intValue).toArray(), errors.toArray(new Throwable[0]), ran);
    }

    /** The function it applies (its class is where the map's code comes from). */
    public RemoteFunction<T, R> function() {
        return function;
    }

    /** The number of items (in the parent, where the chunk was built). */
    int size() {
        return size;
    }

    /**
     * A chunk's outcome: a value per item it ran ({@code null} where it failed), the positions that
     * failed (ascending) and their exceptions, and how many items it ran from the start: fewer than
     * it had when it stopped for a leak (the rest were not run). With fail-fast, nothing after the
     * first failure was run (and {@code ran} counts them all).
     */
    static final class Result implements Serializable {
        private static final long serialVersionUID = 1L;

        final PackedValues values;
        final int[] failedAt;
        final Throwable[] errors;
        final int ran;

        Result(PackedValues values, int[] failedAt, Throwable[] errors, int ran) {
            this.values = values;
            this.failedAt = failedAt;
            this.errors = errors;
            this.ran = ran;
        }
    }
}
