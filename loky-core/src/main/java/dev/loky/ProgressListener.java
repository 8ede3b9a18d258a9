package dev.loky;

import java.time.Duration;

/**
 * Told, in the caller's JVM, how far a {@code map}, {@code imap} or {@code imapUnordered} has got.
 *
 * <p>Thread: called on whichever thread finishes a chunk: usually the pool's reader thread of the
 * worker that ran it (a pool thread, so keep the listener quick and never block in it), for
 * chunks cancelled when a map ends early the thread that ended it (often the caller's), and with
 * {@link StartMethod#THREADS} a pool thread. Calls for one map are never concurrent and their
 * counts never go down.
 *
 * <p>Implement {@link #onProgress(long, long)} (a lambda does) for the counts, override
 * {@link #onProgress(long, long, long, long)} to see succeeded, failed and cancelled items apart, or
 * {@link #onProgress(Progress)} to see the rate and the estimated time left as well.
 * {@link #terminalBar(String)} is a ready-made listener that draws a progress bar on the terminal.
 *
 * <p>Events come per item, also for items of a chunk that is still running (its worker reports
 * them as they finish, at most every 100 ms), and the first event, with nothing done yet, comes
 * when the map starts. A listener that is also {@link AutoCloseable} is closed once, when the map
 * ends (all results in, a failure under fail-fast, or the stream closed).
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
     * The detailed form; by default it forwards {@code succeeded + failed} to
     * {@link #onProgress(long, long)}.
     *
     * @param succeeded items that returned a result
     * @param failed items that threw, or whose worker crashed or timed out while running them
     * @param cancelled items that will not run because the map ended early
     * @param total the number of items, or {@code -1} while the input's size is unknown
     */
    default void onProgress(long succeeded, long failed, long cancelled, long total) {
        onProgress(succeeded + failed, total);
    }

    /**
     * The full event, called by the pool, with its rate and ETA; by default it forwards the counts
     * to {@link #onProgress(long, long, long, long)}. Same thread and contract as the others.
     */
    default void onProgress(Progress progress) {
        onProgress(progress.succeeded(), progress.failed(), progress.cancelled(), progress.total());
    }

    /**
     * A listener that draws a progress bar (count, rate, ETA) on the terminal with the maintained
     * {@code me.tongfei:progressbar} library, an optional dependency of loky-core: add
     * {@code me.tongfei:progressbar} to your build to use it. The bar starts with the total (when
     * the input has a size), moves per item, and is closed when the map ends, whether it succeeded,
     * failed or was cancelled; on a terminal, other output meanwhile (logs) erases the bar's line
     * first, so it is never broken. Use one bar per {@code map} call.
     *
     * @param taskName the label in front of the bar
     * @throws IllegalStateException if {@code me.tongfei:progressbar} is not on the classpath
     */
    static ProgressListener terminalBar(String taskName) {
        return TerminalProgressBar.create(taskName);
    }

    /**
     * How far a map has got at one moment.
     *
     * @param completed items whose outcome is in (succeeded or failed; cancelled ones are not counted)
     * @param total the number of items, or {@code -1} while the input's size is unknown
     * @param elapsed time since the map started
     * @param failed of the completed items, those that failed
     * @param cancelled items that will not run because the map ended early
     */
    record Progress(long completed, long total, Duration elapsed, long failed, long cancelled) {

        /** Progress with no failed and no cancelled item. */
        public Progress(long completed, long total, Duration elapsed) {
            this(completed, total, elapsed, 0, 0);
        }

        /** Completed items that returned a result. */
        public long succeeded() {
            return completed - failed;
        }

        /** Items per second since the map started; {@code 0} before the first item is in. */
        public double ratePerSecond() {
            long nanos = elapsed.toNanos();
            return nanos <= 0 ? 0 : completed * 1e9 / nanos;
        }

        /**
         * Time left at the rate so far; {@code null} while unknown (no item in yet, or the total is
         * unknown), {@link Duration#ZERO} once every item is in.
         */
        public Duration eta() {
            if (total < 0 || completed <= 0) {
                return null;
            }
            if (completed + cancelled >= total) {
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) ((total - completed - cancelled) * (double) elapsed.toNanos() / completed));
        }

        /** Completed over total, between 0 and 1; {@code -1} when the total is unknown. */
        public double fraction() {
            return total < 0 ? -1 : total == 0 ? 1 : Math.min(1, (double) completed / total);
        }
    }
}
