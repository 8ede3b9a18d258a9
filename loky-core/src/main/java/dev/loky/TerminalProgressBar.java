package dev.loky;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;

import java.time.Duration;

/**
 * {@link ProgressListener#terminalBar(String)}: a {@code me.tongfei:progressbar} bar fed by the
 * map's progress events. The library is optional, so this class is only loaded when a bar is asked
 * for, and its absence is reported as an error that names the dependency to add.
 *
 * <p>Concurrency: the pool calls {@link #onProgress(Progress)} from its completion threads, possibly
 * several at once; the methods are synchronized so the bar's count only moves forward and it is
 * closed once.
 */
final class TerminalProgressBar implements ProgressListener {

    private final ProgressBar bar;
    private boolean closed;

    private TerminalProgressBar(ProgressBar bar) {
        this.bar = bar;
    }

    static ProgressListener create(String taskName) {
        return create(taskName, null);
    }

    /** With {@code consumer} {@code null} the bar draws on the console (stderr). */
    static ProgressListener create(String taskName, ProgressBarConsumer consumer) {
        try {
            Class.forName("me.tongfei.progressbar.ProgressBar", false, TerminalProgressBar.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("ProgressListener.terminalBar needs the optional library me.tongfei:progressbar "
                    + "on the classpath: add the dependency me.tongfei:progressbar (0.10.x) to your build, or pass your own "
                    + "ProgressListener", e);
        }
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName(taskName == null ? "loky map" : taskName)
                .setInitialMax(-1).showSpeed().setUpdateIntervalMillis(200);
        if (consumer != null) {
            builder.setConsumer(consumer);
        }
        return new TerminalProgressBar(builder.build());
    }

    @Override
    public void onProgress(long completed, long total) {
        onProgress(new Progress(completed, total, Duration.ZERO));
    }

    @Override
    public synchronized void onProgress(Progress progress) {
        if (closed) {
            return;
        }
        if (progress.total() >= 0 && bar.getMax() != progress.total()) {
            bar.maxHint(progress.total());
        }
        if (progress.completed() > bar.getCurrent()) {
            bar.stepTo(progress.completed());
        }
        if (progress.total() >= 0 && progress.completed() >= progress.total()) {
            closed = true;
            bar.close(); // draws the final state and stops the bar's refresh thread
        }
    }
}
