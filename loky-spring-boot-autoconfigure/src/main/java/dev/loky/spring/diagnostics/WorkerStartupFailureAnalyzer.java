package dev.loky.spring.diagnostics;

import dev.loky.WorkerStartupException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a loky worker that could not start during the application's startup, with its output. */
class WorkerStartupFailureAnalyzer extends AbstractFailureAnalyzer<WorkerStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, WorkerStartupException cause) {
        String output = cause.workerOutput() == null || cause.workerOutput().isBlank() ? "" : "\n\nThe worker wrote:\n\n    "
                + cause.workerOutput().strip().replace("\n", "\n    ");
        return new FailureAnalysis("A loky worker JVM could not start: " + cause.getMessage() + output,
                "Check loky.worker.jvm-args, loky.worker.java-home and loky.worker.sources, and that the application's context can start "
                        + "with the 'loky-worker' profile and no web server (beans can be kept out of workers with @Profile(\"!loky-worker\")).",
                cause);
    }
}
