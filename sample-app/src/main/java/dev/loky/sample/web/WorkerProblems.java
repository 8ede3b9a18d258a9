package dev.loky.sample.web;

import dev.loky.LokyException;
import dev.loky.TaskTimeoutException;
import dev.loky.TerminatedWorkerException;
import dev.loky.WorkerStartupException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * What a failed worker call answers over HTTP: an RFC 9457 problem ({@link ProblemDetail}), with
 * the loky exception's message (pid, exit code or signal, the worker's last output) as detail.
 * <ul>
 *   <li>a worker that died (exit, crash, signal): 502 Bad Gateway;</li>
 *   <li>a worker that ran out of memory: 507 Insufficient Storage;</li>
 *   <li>a call past its timeout: 504 Gateway Timeout;</li>
 *   <li>workers that cannot start: 503 Service Unavailable;</li>
 *   <li>a bad argument: 400.</li>
 * </ul>
 */
@RestControllerAdvice
public class WorkerProblems {

    @ExceptionHandler(TerminatedWorkerException.class)
    ProblemDetail workerDied(TerminatedWorkerException ex) {
        if (outOfMemory(ex)) {
            return outOfMemory(ex, ex.getMessage());
        }
        return problem(HttpStatus.BAD_GATEWAY, "worker-died", "The worker JVM died during the call", ex.getMessage());
    }

    @ExceptionHandler(TaskTimeoutException.class)
    ProblemDetail timedOut(TaskTimeoutException ex) {
        return problem(HttpStatus.GATEWAY_TIMEOUT, "worker-timeout", "The call ran past its timeout; its worker was replaced",
                ex.getMessage());
    }

    @ExceptionHandler(WorkerStartupException.class)
    ProblemDetail cannotStart(WorkerStartupException ex) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "worker-startup", "No worker JVM could start", ex.getMessage());
    }

    /** Any other loky failure that is an out-of-memory one (e.g. {@code WorkerOutOfMemoryException}). */
    @ExceptionHandler(LokyException.class)
    ProblemDetail otherLokyFailure(LokyException ex) {
        if (outOfMemory(ex)) {
            return outOfMemory(ex, ex.getMessage());
        }
        return problem(HttpStatus.BAD_GATEWAY, "worker-failure", "The worker call failed", ex.getMessage());
    }

    /** A worker's {@code OutOfMemoryError} handed back as itself. */
    @ExceptionHandler(OutOfMemoryError.class)
    ProblemDetail workerOutOfMemory(OutOfMemoryError ex) {
        return outOfMemory(ex, "a worker ran out of memory: " + ex.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException ex) {
        return problem(HttpStatus.BAD_REQUEST, "bad-argument", "Bad argument", ex.getMessage());
    }

    private static ProblemDetail outOfMemory(Throwable ex, String detail) {
        return problem(HttpStatus.INSUFFICIENT_STORAGE, "worker-out-of-memory", "The worker JVM ran out of memory; it was replaced",
                detail);
    }

    private static boolean outOfMemory(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError || t.getClass().getSimpleName().contains("OutOfMemory")
                    || (t.getMessage() != null && t.getMessage().contains("OutOfMemoryError"))) {
                return true;
            }
        }
        return false;
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setProperty("reason", type);
        return problem;
    }
}
