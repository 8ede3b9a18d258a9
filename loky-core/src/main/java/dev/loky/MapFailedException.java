package dev.loky;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@code map}, {@code imap} or {@code imapUnordered} with {@link MapOptions#failFast(boolean)
 * failFast(false)} ran every item and some failed. Thrown by {@code map} after the last item, and
 * by the streams after their last good result.
 *
 * <p>{@link #failures()} maps each failed item's index in the input to its exception (the
 * exception as {@code map} with fail-fast would have thrown it: original type, worker frames, and a
 * suppressed exception naming the item and carrying the caller's frames). {@link #results()} is,
 * for {@code map}, every result in input order with {@code null} where an item failed; the streams
 * have already handed their results out one by one and keep none, so for them it is empty.
 * Immutable; safe to share between threads.
 */
public class MapFailedException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final transient List<Object> results;
    private final transient SortedMap<Integer, Throwable> failures;

    /**
     * @param results every result in input order, {@code null} where an item failed (empty for streams)
     * @param failures each failed item's index and exception; not empty
     * @param total how many items the map had
     */
    public MapFailedException(List<?> results, Map<Integer, Throwable> failures, long total) {
        super(describe(failures, total), failures.isEmpty() ? null : failures.values().iterator().next());
        this.results = Collections.unmodifiableList(new java.util.ArrayList<>(results));
        this.failures = Collections.unmodifiableSortedMap(new TreeMap<>(failures));
    }

    /** Every result in input order, {@code null} where an item failed; empty when thrown by a stream. */
    public List<Object> results() {
        return results;
    }

    /** Each failed item's index in the input, ascending, with its exception. */
    public SortedMap<Integer, Throwable> failures() {
        return failures;
    }

    private static String describe(Map<Integer, Throwable> failures, long total) {
        StringBuilder text = new StringBuilder().append(failures.size()).append(" of ").append(total)
                .append(" items failed: ");
        int shown = 0;
        for (Map.Entry<Integer, Throwable> e : new TreeMap<>(failures).entrySet()) {
            if (shown++ == 5) {
                text.append(", ...");
                break;
            }
            text.append(shown > 1 ? ", " : "").append("item ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
        }
        return text.append("; see failures() for each exception").toString();
    }
}
