package dev.loky.spring.actuate;

import dev.loky.PoolEventListener;
import dev.loky.TaskOutcome;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Worker insights in the caller's JVM (mpire's insights, measured): the slowest recent calls
 * (task, duration, worker pid) and the recent failures with the worker's stack trace, fed by the
 * pool's {@link PoolEventListener#taskCompleted} events. Shown by {@code /actuator/loky} and the
 * live page; {@link LokyInsightsMetrics} turns them into meters. Calls are "recent" for
 * {@link #WINDOW}.
 *
 * <p>Concurrency: events arrive on pool threads, reads on request threads; both lists are guarded
 * by this object's lock, and the fast path (a call quicker than every kept one) takes no lock.
 */
public class LokyInsights implements PoolEventListener {

    /** How long a call counts as recent. */
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final int STACK_LIMIT = 16_000;

    private final int keep;
    private final List<Call> slowest = new ArrayList<>();
    private final ArrayDeque<Failure> failures = new ArrayDeque<>();
    /** Duration of the quickest kept call once the list is full, else 0: quicker calls are skipped without the lock. */
    private volatile long thresholdNanos;

    /**
     * @param keep how many slow calls and failures to keep ({@code loky.insights.slow-calls})
     */
    public LokyInsights(int keep) {
        this.keep = keep;
    }

    /**
     * One finished call.
     *
     * @param task what ran (for {@code @ProcessAsync}: method and bean; arguments only with
     *        {@code loky.insights.record-arguments=true})
     * @param workerPid the worker that ran it ({@code -1}: none)
     * @param outcome success, error, crash, timeout or cancelled
     * @param durationMillis from submission to completion
     * @param finishedAt when it ended
     */
    public record Call(String task, long workerPid, String outcome, double durationMillis, Instant finishedAt) {
    }

    /**
     * One failed call.
     *
     * @param call the call
     * @param exception the exception's class and message
     * @param stackTrace its stack trace, worker frames included (abbreviated)
     */
    public record Failure(Call call, String exception, String stackTrace) {
    }

    @Override
    public void taskCompleted(String task, long workerPid, TaskOutcome outcome, Duration duration, Throwable error) {
        if (keep == 0) {
            return;
        }
        long nanos = duration.toNanos();
        boolean failed = error != null && outcome != TaskOutcome.CANCELLED;
        if (!failed && nanos <= thresholdNanos) {
            return;
        }
        Call call = new Call(task, workerPid, outcome.tag(), nanos / 1e6, Instant.now());
        synchronized (this) {
            if (failed) {
                if (failures.size() == keep) {
                    failures.removeFirst();
                }
                failures.addLast(new Failure(call, error.toString(), stackTrace(error)));
            }
            expire();
            slowest.add(call);
            slowest.sort(Comparator.comparingDouble(Call::durationMillis).reversed());
            while (slowest.size() > keep) {
                slowest.remove(slowest.size() - 1);
            }
            thresholdNanos = slowest.size() < keep ? 0 : (long) (slowest.get(slowest.size() - 1).durationMillis() * 1e6);
        }
    }

    /** The slowest recent calls, slowest first. */
    public synchronized List<Call> slowestCalls() {
        expire();
        return List.copyOf(slowest);
    }

    /** The recent failures, newest first. */
    public synchronized List<Failure> recentFailures() {
        List<Failure> newestFirst = new ArrayList<>(failures);
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    private void expire() {
        Instant oldest = Instant.now().minus(WINDOW);
        if (slowest.removeIf(c -> c.finishedAt().isBefore(oldest))) {
            thresholdNanos = 0;
        }
    }

    private static String stackTrace(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.getBuffer().length() > STACK_LIMIT ? text.getBuffer().substring(0, STACK_LIMIT) + "\n\t..." : text.toString();
    }

}
