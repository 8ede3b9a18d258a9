package dev.loky;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a {@link ProcessExecutor#mapAll mapAll} produced: every item ran, whatever failed.
 * {@link #results()} is in input order with {@code null} where an item failed;
 * {@link #failures()} maps each failed index to a {@link LokyException} that names the item
 * ({@code item 13 ("scan-0013.jpg") of 305}) and whose cause is the item's own exception (original
 * type, worker frames). Immutable; safe to share between threads.
 *
 * @param <R> the result type
 */
public final class MapResult<R> {

    private final List<R> results;
    private final SortedMap<Integer, LokyException> failures;

    MapResult(List<R> results, Map<Integer, LokyException> failures) {
        this.results = Collections.unmodifiableList(new java.util.ArrayList<>(results));
        this.failures = Collections.unmodifiableSortedMap(new TreeMap<>(failures));
    }

    /** Every result in input order, {@code null} where the item failed. */
    public List<R> results() {
        return results;
    }

    /** Each failed item's index, ascending, with an exception that names it; empty when all succeeded. */
    public SortedMap<Integer, LokyException> failures() {
        return failures;
    }

    /** How many items returned a result. */
    public int succeeded() {
        return results.size() - failures.size();
    }

    /** How many items failed. */
    public int failed() {
        return failures.size();
    }

    /** Builds the result of a map without fail-fast from its results and each failed item's exception. */
    @SuppressWarnings("unchecked")
    static <R> MapResult<R> of(List<?> results, Map<Integer, Throwable> failures) {
        Map<Integer, LokyException> named = new TreeMap<>();
        failures.forEach((index, error) -> named.put(index, named(index, error)));
        return new MapResult<>((List<R>) results, named);
    }

    /**
     * The item's exception named after the item: the map's own description of it (suppressed on
     * the exception, or the exception itself when it took none) and the exception as its cause.
     */
    private static LokyException named(int index, Throwable error) {
        String site = null;
        if (error instanceof LokyException l && l.getMessage() != null && l.getMessage().startsWith("item ")) {
            site = l.getMessage();
            error = l.getCause() != null ? l.getCause() : l;
        } else {
            for (Throwable s : error.getSuppressed()) {
                if (s instanceof LokyException l && l.getMessage() != null && l.getMessage().startsWith("item ")) {
                    site = l.getMessage();
                }
            }
        }
        String name = site == null ? "item " + index + " failed" : site.replace(" of the map failed; the map was called here", " failed");
        return new LokyException(name + ": " + error, error);
    }
}
