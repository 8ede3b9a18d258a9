package dev.loky.serialization;

import java.io.InvalidObjectException;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Bounds the work that hashing nested collections costs while a message is read. A hash-based
 * collection computes each element's {@code hashCode} as it is read back, and the {@code hashCode}
 * of a collection walks its elements without caching: a few kilobytes of sets nested in sets (the
 * classic "SerialDOS" graph) cost 2^80 calls and pin the reading thread forever.
 *
 * <p>Every collection and map is seen here right after it was read, before the collection that
 * holds it hashes it ({@code ObjectInputStream.resolveObject}). Its cost is the number of
 * {@code hashCode} calls one {@code hashCode} of it makes: its size plus the cost of the elements
 * (keys and values) that are themselves collections, remembered per object, so computing it costs
 * one pass over each collection. Hashing what was read costs at most about as many calls as
 * objects were read, unless elements are shared and counted again at every level; so a
 * collection whose cost is above {@link #MAX_HASH_CALLS} plus the objects read so far is refused
 * before anything hashes it (a flat list of 20 million numbers is fine; sets nested in sets are
 * not). One instance per message; not thread-safe.
 */
final class HashingBudget {

    /** The most {@code hashCode} calls one collection of a message may cost to hash. */
    static final long MAX_HASH_CALLS = 10_000_000;

    private final Map<Object, Long> costs = new IdentityHashMap<>();
    private long objectsRead;

    /** @throws InvalidObjectException for a collection too costly to hash */
    void check(Object obj) throws InvalidObjectException {
        objectsRead++;
        if (!(obj instanceof Collection<?>) && !(obj instanceof Map<?, ?>)) {
            return;
        }
        long cost = cost(obj);
        if (cost > MAX_HASH_CALLS + objectsRead) {
            throw new InvalidObjectException("refused a " + obj.getClass().getName() + " whose hashCode would take more than "
                    + MAX_HASH_CALLS + " calls (collections nested to cost exponential work: a denial-of-service graph)");
        }
        costs.put(obj, cost);
    }

    private long cost(Object obj) {
        long cost = 1;
        if (obj instanceof Collection<?> collection) {
            for (Object element : collection) {
                cost = add(cost, element);
            }
        } else {
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) obj).entrySet()) {
                cost = add(add(cost, entry.getKey()), entry.getValue());
            }
        }
        return cost;
    }

    private long add(long cost, Object element) {
        Long known = element == null ? null : costs.get(element);
        return Math.min(Long.MAX_VALUE / 2, cost + (known == null ? 1 : known));
    }
}
