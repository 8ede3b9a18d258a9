package dev.loky;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of {@code map}, {@code imap} and {@code imapUnordered}: an immutable value; each
 * {@code with}-style method returns a copy.
 *
 * <ul>
 *   <li>{@link #chunkSize(int)}: items sent to a worker at once. {@code 0} (the default) chooses
 *       automatically: about {@code 4 × workers} chunks of at most 32,768 items when the input's
 *       size is known (a {@link java.util.Collection}), otherwise chunks of
 *       {@value #DEFAULT_LAZY_CHUNK_SIZE}.</li>
 *   <li>{@link #taskTimeout(Duration)}: the timeout of each chunk (a chunk is one task in a worker);
 *       {@code null} means the pool's task timeout.</li>
 *   <li>{@link #progress(ProgressListener)}: told as items finish (per item, also inside a running
 *       chunk), starting with the total.</li>
 *   <li>{@link #failFast(boolean)}: {@code true} (the default) ends the map at the first failed
 *       item; {@code false} runs every item and then throws {@link MapFailedException}.</li>
 *   <li>{@link #describeItems(boolean)}: {@code true} (the default) names a failed item by its
 *       index and the first 80 characters of its {@code toString} ({@code item 13 ("scan-0013.jpg")});
 *       {@code false} by its index only, for inputs that must not appear in logs.</li>
 * </ul>
 */
public final class MapOptions {

    /** Chunk size used when the input's size is unknown and none was chosen. */
    public static final int DEFAULT_LAZY_CHUNK_SIZE = 64;

    private static final MapOptions DEFAULTS = new MapOptions(0, null, null, true, true);

    private final int chunkSize;
    private final Duration taskTimeout;
    private final ProgressListener progress;
    private final boolean failFast;
    private final boolean describeItems;

    private MapOptions(int chunkSize, Duration taskTimeout, ProgressListener progress, boolean failFast, boolean describeItems) {
        this.chunkSize = chunkSize;
        this.taskTimeout = taskTimeout;
        this.progress = progress;
        this.failFast = failFast;
        this.describeItems = describeItems;
    }

    /** Automatic chunking, the pool's timeout, no progress listener. */
    public static MapOptions defaults() {
        return DEFAULTS;
    }

    /** A copy with this chunk size; {@code 0} = automatic. */
    public MapOptions chunkSize(int chunkSize) {
        return new MapOptions(Checks.notNegative("chunkSize", chunkSize, "automatic"), taskTimeout, progress, failFast,
                describeItems);
    }

    /** A copy with this per-chunk timeout; {@code null} = the pool's task timeout. */
    public MapOptions taskTimeout(Duration taskTimeout) {
        return new MapOptions(chunkSize, Checks.positiveOrNull("taskTimeout", taskTimeout, "the pool's"), progress, failFast,
                describeItems);
    }

    /** A copy that reports progress to this listener. */
    public MapOptions progress(ProgressListener progress) {
        return new MapOptions(chunkSize, taskTimeout, Objects.requireNonNull(progress, "progress listener must not be null"),
                failFast, describeItems);
    }

    /**
     * A copy that fails fast ({@code true}, the default: the first failed item's exception ends the
     * map and cancels what is left) or not ({@code false}: every item runs; {@code map} then throws
     * {@link MapFailedException} with every result and every failure, and the streams yield every
     * good result before throwing it).
     */
    public MapOptions failFast(boolean failFast) {
        return new MapOptions(chunkSize, taskTimeout, progress, failFast, describeItems);
    }

    /**
     * A copy that names a failed item by its value's {@code toString} (its first 80 characters)
     * beside its index ({@code true}, the default), or by its index only ({@code false}: for inputs
     * that must not reach an exception message or a log).
     */
    public MapOptions describeItems(boolean describeItems) {
        return new MapOptions(chunkSize, taskTimeout, progress, failFast, describeItems);
    }

    public boolean describeItems() {
        return describeItems;
    }

    public boolean failFast() {
        return failFast;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public Duration taskTimeout() {
        return taskTimeout;
    }

    public ProgressListener progress() {
        return progress;
    }
}
