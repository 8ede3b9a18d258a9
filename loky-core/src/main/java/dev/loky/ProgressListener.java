package dev.loky;

/**
 * Told, in the caller's JVM, how far a {@code map}, {@code imap} or {@code imapUnordered} has got.
 * Called from a pool thread after each chunk completes; keep it quick.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param completed items whose results are in (successful or not)
     * @param total the number of items, or {@code -1} while the input's size is unknown
     */
    void onProgress(long completed, long total);
}
