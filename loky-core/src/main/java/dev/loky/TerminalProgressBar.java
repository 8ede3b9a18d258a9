package dev.loky;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarConsumer;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@link ProgressListener#terminalBar(String)}: a {@code me.tongfei:progressbar} bar fed by the
 * map's progress events. The library is optional, so this class is only loaded when a bar is asked
 * for, and its absence is reported as an error that names the dependency to add.
 *
 * <p>On a terminal, whatever else writes to {@code System.out} or {@code System.err} while the bar
 * is shown (the application's log, the pool's own lines, a worker's output) first erases the bar's
 * line, so a log line is never glued to a half-drawn bar; the bar is drawn again below it at its
 * next refresh. The streams are restored when the bar closes. The map closes the bar when it ends,
 * whether it succeeded, failed or was cancelled ({@link AutoCloseable}), so it never redraws after.
 *
 * <p>Concurrency: the pool calls {@link #onProgress(Progress)} from its completion threads, never
 * concurrently for one map; the methods are synchronized so the bar's count only moves forward and
 * it is closed once. Drawing and other output share one lock.
 */
final class TerminalProgressBar implements ProgressListener, AutoCloseable {

    /** Serializes the bar's drawing with everything else written to the terminal meanwhile. */
    private static final Object TERMINAL = new Object();
    private static final byte[] ERASE_LINE = "\r\033[2K".getBytes(StandardCharsets.US_ASCII);

    private final ProgressBar bar;
    private final GuardedTerminal terminal;
    private boolean closed;

    private TerminalProgressBar(ProgressBar bar, GuardedTerminal terminal) {
        this.bar = bar;
        this.terminal = terminal;
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
        GuardedTerminal terminal = null;
        if (consumer != null) {
            builder.setConsumer(consumer);
        } else if (System.console() != null) {
            terminal = new GuardedTerminal(System.out, System.err);
            builder.setConsumer(terminal.barConsumer());
        }
        TerminalProgressBar listener = new TerminalProgressBar(builder.build(), terminal);
        if (terminal != null) {
            terminal.install();
        }
        return listener;
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
            close();
        }
    }

    /** Draws the final state, stops the bar's refresh thread and gives the terminal back; once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        bar.close();
        if (terminal != null) {
            terminal.restore();
        }
    }

    /**
     * The terminal's two streams while a bar is shown: the bar draws on the real stderr; other
     * writes go through guards that erase the bar's line before a line of theirs starts.
     */
    private static final class GuardedTerminal {
        private final PrintStream out;
        private final PrintStream err;
        private final PrintStream guardedOut;
        private final PrintStream guardedErr;
        /** The bar is drawn on the current line (it ends without a newline); TERMINAL. */
        private boolean barOnLine;
        /**
         * The bar's consumer was closed; TERMINAL. A periodic refresh of the library's that is
         * running when the bar closes sees it end and closes the consumer itself; the library's
         * final refresh then draws and closes once more, and the finished bar would appear twice
         * (seen in CI). Draws after the first close are dropped.
         */
        private boolean barClosed;

        GuardedTerminal(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
            this.guardedOut = new PrintStream(new Guard(out), true, Charset.defaultCharset());
            this.guardedErr = new PrintStream(new Guard(err), true, Charset.defaultCharset());
        }

        ProgressBarConsumer barConsumer() {
            ConsoleProgressBarConsumer console = new ConsoleProgressBarConsumer(err);
            return new ProgressBarConsumer() {
                @Override
                public int getMaxRenderedLength() {
                    return console.getMaxRenderedLength();
                }

                @Override
                public void accept(String rendered) {
                    synchronized (TERMINAL) {
                        if (!barClosed) {
                            console.accept(rendered);
                            barOnLine = true;
                        }
                    }
                }

                @Override
                public void close() {
                    synchronized (TERMINAL) {
                        if (!barClosed) {
                            barClosed = true;
                            console.close();
                            barOnLine = false;
                        }
                    }
                }
            };
        }

        void install() {
            System.setOut(guardedOut);
            System.setErr(guardedErr);
        }

        void restore() {
            synchronized (TERMINAL) {
                if (System.out == guardedOut) {
                    System.setOut(out);
                }
                if (System.err == guardedErr) {
                    System.setErr(err);
                }
            }
        }

        /** Writes to {@code target}, first erasing the bar's line if the bar is on it. */
        private final class Guard extends OutputStream {
            private final PrintStream target;

            Guard(PrintStream target) {
                this.target = target;
            }

            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (TERMINAL) {
                    if (barOnLine && length > 0) {
                        target.write(ERASE_LINE, 0, ERASE_LINE.length);
                        barOnLine = false;
                    }
                    target.write(bytes, offset, length);
                }
            }

            @Override
            public void flush() {
                target.flush();
            }
        }
    }
}
