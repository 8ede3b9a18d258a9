package dev.loky;

import java.time.Duration;

/**
 * Told, in the caller's JVM, how far a {@code map}, {@code imap} or {@code imapUnordered} has got.
 * Called from a pool thread after each chunk completes; keep it quick.
 *
 * <p>Implement {@link #onProgress(long, long)} (a lambda does) for the counts, or override
 * {@link #onProgress(Progress)} as well to see the rate and the estimated time left.
 * {@link #terminalBar(String)} is a ready-made listener that draws a progress bar on the terminal.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param completed items whose results are in (successful or not)
     * @param total the number of items, or {@code -1} while the input's size is unknown
     */
    void onProgress(long completed, long total);

    /**
     * The same event with its rate and ETA; by default it calls {@link #onProgress(long, long)}.
     * Called by the pool in place of that method, from the same thread, under the same contract.
     */
    default void onProgress(Progress progress) {
        onProgress(progress.completed(), progress.total());
    }

    /**
     * A listener that draws a progress bar (count, rate, ETA) on the terminal with the maintained
     * {@code me.tongfei:progressbar} library, an optional dependency of loky-core: add
     * {@code me.tongfei:progressbar} to your build to use it. The bar closes itself when the last
     * item is in. Use one bar per {@code map} call.
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
     * @param completed items whose results are in (successful or not)
     * @param total the number of items, or {@code -1} while the input's size is unknown
     * @param elapsed time since the map started
     */
    record Progress(long completed, long total, Duration elapsed) {

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
            if (completed >= total) {
                return Duration.ZERO;
            }
            return Duration.ofNanos((long) ((total - completed) * (double) elapsed.toNanos() / completed));
        }

        /** Completed over total, between 0 and 1; {@code -1} when the total is unknown. */
        public double fraction() {
            return total < 0 ? -1 : total == 0 ? 1 : Math.min(1, (double) completed / total);
        }
    }
}
