package dev.loky.internal.pool.outcome;

import dev.loky.LokyException;
import dev.loky.PoolConfig;
import dev.loky.RemoteTaskException;
import dev.loky.RemoteWorkerMarker;
import dev.loky.TaskSerializationException;
import dev.loky.TaskTimeoutException;
import dev.loky.TerminatedWorkerException;
import dev.loky.WorkerStartupException;
import dev.loky.internal.pool.map.MapChunk;
import dev.loky.internal.pool.scheduling.Leaving;
import dev.loky.internal.pool.scheduling.PoolCounters;
import dev.loky.internal.pool.scheduling.PoolLog;
import dev.loky.internal.pool.scheduling.PoolTask;
import dev.loky.internal.protocol.ExitCodes;
import dev.loky.internal.protocol.ExitReport;
import dev.loky.internal.protocol.ExitStatus;
import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.StreamedValues;
import dev.loky.internal.protocol.TaskReply;
import dev.loky.internal.protocol.ThrowableDescription;
import dev.loky.serialization.JavaTaskSerializer;
import org.slf4j.Logger;

/**
 * What a task's caller gets: decodes replies, rebuilds the worker's exceptions, and writes the
 * error messages (crash, timeout, failed start, serialization). Stateless apart from its
 * configuration, so any thread may use it; it runs without the pool's lock.
 */
public final class Outcomes {

    private static final Logger log = PoolLog.logger();

    private final PoolConfig config;
    private final ClassLoader loader;
    private final PoolCounters counters;

    public Outcomes(PoolConfig config, ClassLoader loader, PoolCounters counters) {
        this.config = config;
        this.loader = loader;
        this.counters = counters;
    }

    /** Completes a task from its worker's reply frame. */
    public void complete(PoolTask<?> task, FrameType type, TaskReply reply, WorkerFacts w, StreamedValues.Value streamed) {
        Throwable sendFailure = task.sendFailure();
        if (type == FrameType.SERIALIZATION_ERROR && sendFailure != null) {
            // the task was streamed and its serialization failed midway: the worker dropped it
            Object body = task.streamed();
            fail(task, new TaskSerializationException(TaskSerializationException.Side.ARGUMENT_IN_PARENT,
                    body == null ? task.description + ": task could not be serialized in the parent: " + sendFailure
                            : CapturedValues.describeFailure(body, task.description, sendFailure), sendFailure));
            return;
        }
        switch (type) {
            case RESULT -> {
                if (reply.streamed()) {
                    completeWithStreamed(task, streamed);
                } else {
                    completeWithValue(task, reply);
                }
            }
            case TASK_ERROR -> {
                Throwable error = rebuildException(reply, w.pid());
                fail(task, reply.outOfMemory() ? OutOfMemory.inTask(error, w, task) : error);
            }
            case SERIALIZATION_ERROR -> {
                TaskSerializationException.Side side = TaskSerializationException.Side.values()[reply.side()];
                ThrowableDescription cause = readDescription(reply);
                fail(task, new TaskSerializationException(side, task.description + ": " + side.describe()
                        + " (" + w.name() + "): " + cause, cause == null ? null : cause.toException()));
            }
            default -> throw new IllegalStateException("not a reply: " + type);
        }
    }

    public void fail(PoolTask<?> task, Throwable error) {
        task.releasePayload();
        task.finish(null, error, counters);
    }

    private void completeWithValue(PoolTask<?> task, TaskReply reply) {
        Object value;
        try {
            value = config.serializer().deserialize(reply.value(), loader);
        } catch (Throwable e) {
            fail(task, serializationFailure(task, TaskSerializationException.Side.RESULT_IN_PARENT, e,
                    "The result's class must be on the caller's classpath and readable there."));
            return;
        }
        task.releasePayload();
        task.finish(value, null, counters);
    }

    /** A result that came as chunks, already read by the channel's reader; {@code null} if none came. */
    private void completeWithStreamed(PoolTask<?> task, StreamedValues.Value streamed) {
        Throwable failure = streamed == null ? new java.io.IOException("its chunks did not come before the reply")
                : streamed.failure();
        if (failure != null) {
            fail(task, serializationFailure(task, TaskSerializationException.Side.RESULT_IN_PARENT, failure,
                    "The result's class must be on the caller's classpath and readable there."));
            return;
        }
        task.releasePayload();
        task.finish(streamed.value(), null, counters);
    }

    public ClassLoader loader() {
        return loader;
    }

    static TaskSerializationException serializationFailure(PoolTask<?> task, TaskSerializationException.Side side,
            Throwable e, String fix) {
        return new TaskSerializationException(side, task.description + ": " + side.describe() + ": " + e + ". " + fix, e);
    }

    private Throwable rebuildException(TaskReply reply, long pid) {
        Throwable error = null;
        if (reply.value().length > 0) {
            try {
                error = (Throwable) config.serializer().deserialize(reply.value(), loader);
            } catch (Throwable e) {
                log.debug("cannot rebuild a remote exception; describing it instead", e);
            }
        }
        if (error == null) {
            ThrowableDescription description = readDescription(reply);
            error = description != null ? description.toException()
                    : new RemoteTaskException("unknown", "the worker's exception could not be read", null, null);
        }
        error.addSuppressed(new RemoteWorkerMarker(pid));
        return error;
    }

    private ThrowableDescription readDescription(TaskReply reply) {
        try {
            return (ThrowableDescription) JavaTaskSerializer.INSTANCE.deserialize(reply.description(), loader);
        } catch (Exception e) {
            return null;
        }
    }

    public TaskTimeoutException timedOut(PoolTask<?> task, WorkerFacts w) {
        return new TaskTimeoutException(task + " did not finish within " + task.timeout + " in " + w.name()
                + "; the worker was killed and will be replaced", task.timeout);
    }

    /** The task's worker stopped responding and is being killed with SIGKILL. */
    public TerminatedWorkerException unresponsive(PoolTask<?> task, WorkerFacts w) {
        return new TerminatedWorkerException(w.name() + " stopped responding (no heartbeat for " + config.heartbeatTimeout()
                + ": frozen, e.g. by SIGSTOP, swapped out or in a long pause) while running " + task
                + "; it was killed (SIGKILL), only this task failed and the worker is being replaced.",
                w.pid(), ExitCodes.SIGKILL, "SIGKILL", w.outputTail());
    }

    /** The pool was shut down with {@code reason} while {@code task} ran on {@code w}, which is being killed. */
    public TerminatedWorkerException stopped(PoolTask<?> task, WorkerFacts w, String reason) {
        return new TerminatedWorkerException(w.name() + " was stopped while running " + task + ": " + reason, w.pid(),
                ExitCodes.SIGKILL, "SIGKILL", "");
    }

    /** The pool was shut down with {@code reason} before {@code task} was sent to a worker. */
    public LokyException notRun(PoolTask<?> task, String reason) {
        return new LokyException(task + " did not run: " + reason);
    }

    /** The task's answer took longer than {@code limit} to read; its worker is being killed. */
    public TaskSerializationException unreadable(PoolTask<?> task, WorkerFacts w, java.time.Duration limit) {
        TaskSerializationException.Side side = TaskSerializationException.Side.RESULT_IN_PARENT;
        return new TaskSerializationException(side, task.description + ": " + side.describe() + ": reading it took longer than "
                + limit + " (" + (task.timeout != null ? "the task's timeout" : "loky's heartbeat timeout")
                + "), as a value built to be slow to read does; " + w.name() + " was killed and is being replaced.", null);
    }

    /**
     * What the caller of {@code task} gets when its worker exited with {@code exitCode} while
     * holding it: a {@code WorkerOutOfMemoryException} when the worker halted after an
     * {@link OutOfMemoryError} ({@link ExitCodes#AFTER_OUT_OF_MEMORY}), else a {@code TerminatedWorkerException}.
     */
    public LokyException exited(WorkerFacts w, ExitReport exit, PoolTask<?> task, Leaving why) {
        return exit.code() == ExitCodes.AFTER_OUT_OF_MEMORY ? OutOfMemory.afterExit(w, task, exit.output())
                : terminated(w, exit, task, why);
    }

    private TerminatedWorkerException terminated(WorkerFacts w, ExitReport exit, PoolTask<?> task, Leaving why) {
        int exitCode = exit.code();
        String output = exit.output();
        if (why == Leaving.UNREADABLE_REPLY) {
            return new TerminatedWorkerException(w.name() + " was killed (SIGKILL) while running " + task
                    + ": its answer to an earlier task could not be read in time; that task and this one failed,"
                    + " and the worker is being replaced.", w.pid(), exitCode, "SIGKILL", output);
        }
        String signal = exit.signal();
        String status = ExitStatus.describe(exitCode);
        if (signal != null && !status.contains(signal)) {
            status += " after a fatal " + signal + " in the JVM";
        }
        // The output stays out of the message (an application's error handler may show getMessage()
        // to its clients: log lines, URLs, secrets); only a JVM fatal-error banner's own summary,
        // the best description of such a crash, goes in. The tail is workerOutput(), logged once.
        String banner = ExitStatus.fatalErrorSummary(output);
        String message = w.name() + " died with " + status + " while running " + task
                + "; only this task failed and the worker is being replaced."
                + (banner == null ? "" : " " + banner)
                + (output.isBlank() ? "" : " Its last output is in workerOutput() and the log.");
        return new TerminatedWorkerException(message, w.pid(), exitCode, signal, output);
    }

    public WorkerStartupException startupFailure(WorkerFacts w, ExitReport exit, boolean timedOut) {
        int exitCode = exit.code();
        String output = exit.output();
        String why;
        if (timedOut) {
            why = "was not ready within " + config.startupTimeout() + " (raise the startup timeout, or find what it waits for)";
        } else if (exit.code() < 0) {
            why = "its process was not started";
        } else if (exit.startupFailure() != null) {
            why = "failed in its initializer: " + exit.startupFailure().lines().findFirst().orElse("");
        } else {
            why = "exited with " + ExitStatus.describe(exitCode) + " before it was ready";
        }
        String classpath = config.classpath();
        String threads = exit.threadDump();
        if (timedOut && threads != null && !threads.isBlank()) {
            output += "Its threads when it was stopped:\n" + threads;
        }
        // the output stays out of the message (an application's error handler may show getMessage()
        // to its API clients): it is in workerOutput(), and logged once with the failure
        String message = w.name() + " could not start: " + why + ". Check the worker JVM arguments "
                + config.jvmArgs() + ", the java home and the class path ("
                + (classpath.length() > 600 ? classpath.substring(0, 600) + "..." : classpath) + ")."
                + (output.isBlank() ? " The worker wrote nothing." : " Its output is in workerOutput() and the log.");
        return new WorkerStartupException(message, output, null);
    }

    /** A short description of a task for messages: its own {@code toString}, or where its lambda was written. */
    public static String describe(Object task) {
        if (task instanceof MapChunk<?, ?> chunk) {
            return chunk.describe();
        }
        String name = DESCRIPTIONS.get(task.getClass());
        return name.isEmpty() ? task.toString() : name;
    }

    /**
     * Per task class: its description, or {@code ""} when it has its own {@code toString}.
     * Cached: the reflective lookup cost about a tenth of a round trip's time in the caller (JFR).
     */
    private static final ClassValue<String> DESCRIPTIONS = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            try {
                if (type.getMethod("toString").getDeclaringClass() != Object.class) {
                    return "";
                }
            } catch (NoSuchMethodException e) {
                // every class has toString
            }
            String name = type.getName();
            int lambda = name.indexOf("$$Lambda");
            return lambda > 0 ? "lambda in " + name.substring(0, lambda) : name;
        }
    };
}
