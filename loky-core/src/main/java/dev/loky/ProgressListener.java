package dev.loky;

/**
 * Told, in the caller's JVM, how far a {@code map}, {@code imap} or {@code imapUnordered} has got.
 *
 * <p>Thread: called on whichever thread finishes a chunk: usually the pool's reader thread of the
 * worker that ran it (a pool thread, so keep the listener quick and never block in it), for
 * chunks cancelled when a map ends early the thread that ended it (often the caller's), and with
 * {@link StartMethod#THREADS} a pool thread. Calls for one map are never concurrent and their
 * counts never go down.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param completed items whose results are in, successful or failed (cancelled items are not
     *        completed)
     * @param total the number of items, or {@code -1} while the input's size is unknown
     */
    void onProgress(long completed, long total);

    /**
     * The detailed form, called by the pool; by default it forwards
     * {@code succeeded + failed} to {@link #onProgress(long, long)}.
     *
     * @param succeeded items that returned a result
     * @param failed items that threw, or whose worker crashed or timed out while running them
     * @param cancelled items that will not run because the map ended early
     * @param total the number of items, or {@code -1} while the input's size is unknown
     */
    default void onProgress(long succeeded, long failed, long cancelled, long total) {
        onProgress(succeeded + failed, total);
    }
}
