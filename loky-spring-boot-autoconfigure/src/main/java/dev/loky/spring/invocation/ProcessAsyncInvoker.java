package dev.loky.spring.invocation;

import dev.loky.LokyException;
import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.StartMethod;
import dev.loky.TaskSerializationException;
import dev.loky.spring.ProcessAsyncExceptionHandler;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.StringValueResolver;
import org.springframework.util.function.SingletonSupplier;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Makes {@code @ProcessAsync} calls from the caller's JVM: writes the arguments as JSON, submits a
 * {@link ProcessAsyncCall} to the pool and hands the result back in the shape of the method's return
 * type. Shared by every proxied bean of one application context.
 */
class ProcessAsyncInvoker implements AutoCloseable {

    private final Supplier<ProcessExecutor> executor;
    private final Supplier<JsonMapper> mapper;
    private final boolean verifyRoundTrip;
    private final Supplier<ProcessAsyncExceptionHandler> exceptionHandler;
    private final StringValueResolver resolver;
    private final String inProcessKey;
    /** The application's {@code ObservationRegistry}, or {@code null}; an {@code Object} so that Micrometer stays optional. */
    private final Supplier<Object> observationRegistry;
    private final Map<MethodKey, ProcessAsyncMethod> methods = new ConcurrentHashMap<>();
    private final AtomicLong uncaughtFailures = new AtomicLong();
    private final boolean recordArguments;
    /** The pool's initializer when it remembers called beans (the Spring worker context), else empty; looked up once. */
    private final Supplier<java.util.Optional<CalledBeans>> calledBeans;
    /** While the context's singletons are created: the round-trip checks running in the background; else {@code null}. */
    private volatile BackgroundChecks backgroundChecks;

    ProcessAsyncInvoker(Supplier<ProcessExecutor> executor, Supplier<JsonMapper> mapper,
            Supplier<ProcessAsyncExceptionHandler> exceptionHandler, StringValueResolver resolver, ListableBeanFactory beanFactory,
            InvocationSettings settings) {
        this.executor = executor;
        this.verifyRoundTrip = settings.verifyRoundTrip();
        this.recordArguments = settings.recordArguments();
        this.calledBeans = SingletonSupplier.of(() -> java.util.Optional.ofNullable(
                executor.get().config().initializer() instanceof CalledBeans called ? called : null));
        this.mapper = SingletonSupplier.of(() -> JsonMappers.forCalls(mapper.get(), verifyRoundTrip));
        this.exceptionHandler = exceptionHandler;
        this.resolver = resolver;
        this.inProcessKey = CallTargets.registerInProcess(new CallTarget(beanFactory, this.mapper));
        this.observationRegistry = org.springframework.util.function.SingletonSupplier.of(
                () -> CallContext.OBSERVATION ? CallObservations.registry(beanFactory) : null);
    }

    /**
     * The description of a {@code @ProcessAsync} method, checked and cached; {@code null} if the
     * method is not one (e.g. {@code toString()} of a class annotated as a whole).
     *
     * @throws dev.loky.spring.InvalidProcessAsyncMethodException if its signature cannot work
     */
    public ProcessAsyncMethod method(Method method, Class<?> targetClass, boolean cglib) {
        if (!ProcessAsyncMethod.isProcessAsync(method, targetClass)) {
            return null;
        }
        return methods.computeIfAbsent(new MethodKey(method, targetClass), key -> {
            ProcessAsyncMethod analyzed = ProcessAsyncMethod.analyze(method, targetClass, resolver, cglib);
            if (verifyRoundTrip) {
                // no silent data loss: what is written must read back, checked at start-up, not on the first call
                JsonMapper json = mapper.get();
                BackgroundChecks checks = backgroundChecks;
                if (checks == null || !checks.submit(() -> analyzed.verifyRoundTrip(json))) {
                    analyzed.verifyRoundTrip(json);
                }
            }
            return analyzed;
        });
    }

    /**
     * From now until {@link #awaitChecked()}, the JSON round-trip check of each new method runs on a
     * background thread ({@code loky-json-check}) instead of the caller's: that check loads and
     * builds a few hundred Jackson classes and serializers, which would otherwise lengthen the
     * application's start-up on the thread that creates its beans.
     */
    public void checkInBackground() {
        if (verifyRoundTrip && backgroundChecks == null) {
            backgroundChecks = new BackgroundChecks();
        }
    }

    /**
     * Waits for the background checks started since {@link #checkInBackground()} and checks later
     * methods on the caller's thread again.
     *
     * @throws dev.loky.spring.InvalidProcessAsyncMethodException the first method (in the order the
     *     beans were created) whose JSON does not read back
     */
    public void awaitChecked() {
        BackgroundChecks checks = backgroundChecks;
        backgroundChecks = null;
        if (checks != null) {
            checks.await();
        }
    }

    /** Fire-and-forget calls that failed since the context started. */
    public long uncaughtFailures() {
        return uncaughtFailures.get();
    }

    /** Makes the call. */
    public Object invoke(ProcessAsyncMethod method, String beanName, Object[] arguments) throws Throwable {
        JsonMapper json = mapper.get();
        byte[][] written = method.writeArguments(json, arguments, TaskSerializationException.Side.ARGUMENT_IN_PARENT);
        ProcessExecutor pool = executor.get();
        PoolConfig config = pool.config();
        String key = config.startMethod() == StartMethod.THREADS ? inProcessKey : null;
        if (beanName != null) {
            calledBeans.get().ifPresent(called -> called.called(beanName, method.targetClass()));
        }
        java.util.Map<String, String> context = CallContext.capture();
        // started before the call is built: the tracer writes the trace headers into the context
        Object observation = CallContext.OBSERVATION ? CallObservations.start(observationRegistry.get(), method, context) : null;
        ProcessAsyncCall call = new ProcessAsyncCall(beanName, method.targetClass().getName(), method.method().getName(),
                method.parameterTypeNames(), written, key, context);
        if (recordArguments) {
            call.showArguments();
        }
        CompletableFuture<byte[]> submitted;
        try {
            submitted = method.idempotent()
                    ? IdempotentRetry.submit(pool, call, method.timeout())
                    : pool.submit(call, method.timeout());
        } catch (RuntimeException ex) {
            CallObservations.stop(observation, ex);
            throw ex;
        }
        if (observation != null) {
            submitted.whenComplete((result, error) -> CallObservations.stop(observation, error));
        }
        switch (method.kind()) {
            case VOID -> {
                submitted.whenComplete((ignored, error) -> {
                    if (error != null) {
                        uncaughtFailures.incrementAndGet();
                        exceptionHandler.get().handleException(Exceptions.unwrap(error), method.method(), arguments);
                    }
                });
                return null;
            }
            case SYNC -> {
                byte[] result;
                try {
                    result = submitted.get();
                } catch (ExecutionException ex) {
                    throw Exceptions.unwrap(ex);
                } catch (InterruptedException ex) {
                    submitted.cancel(true);
                    Thread.currentThread().interrupt();
                    throw new LokyException("Interrupted while waiting for @ProcessAsync method " + method.describe(), ex);
                }
                return method.readResult(json, result, TaskSerializationException.Side.RESULT_IN_PARENT);
            }
            default -> {
                ResultFuture<Object> future = new ResultFuture<>(submitted);
                submitted.whenComplete((result, error) -> {
                    if (error != null) {
                        future.completeExceptionally(Exceptions.unwrap(error));
                        return;
                    }
                    try {
                        future.complete(method.readResult(json, result, TaskSerializationException.Side.RESULT_IN_PARENT));
                    } catch (RuntimeException ex) {
                        future.completeExceptionally(ex);
                    }
                });
                return future;
            }
        }
    }

    @Override
    public void close() {
        CallTargets.unregisterInProcess(inProcessKey);
        BackgroundChecks checks = backgroundChecks;
        backgroundChecks = null;
        if (checks != null) {
            // a context that failed before its singletons were all created: no one waits for the checks
            checks.thread.shutdownNow();
        }
    }

    private record MethodKey(Method method, Class<?> targetClass) {
    }

    /** One daemon thread that runs the checks in submission order; thread-safe. */
    private static final class BackgroundChecks {

        private final java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "loky-json-check");
            t.setDaemon(true);
            return t;
        });
        private final java.util.List<java.util.concurrent.Future<?>> checks = new java.util.ArrayList<>();
        private boolean closed;

        /** {@code false} once {@link #await()} has begun: the caller then checks itself. */
        synchronized boolean submit(Runnable check) {
            if (closed) {
                return false;
            }
            checks.add(thread.submit(check));
            return true;
        }

        void await() {
            java.util.List<java.util.concurrent.Future<?>> submitted;
            synchronized (this) {
                closed = true;
                submitted = new java.util.ArrayList<>(checks);
            }
            thread.shutdown();
            try {
                for (java.util.concurrent.Future<?> check : submitted) {
                    check.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking the @ProcessAsync methods' JSON round trip", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause());
            } finally {
                thread.shutdownNow();
            }
        }
    }

    /** The caller's future: cancelling it cancels the task in the pool. */
    static final class ResultFuture<T> extends CompletableFuture<T> {

        private final CompletableFuture<?> task;

        ResultFuture(CompletableFuture<?> task) {
            this.task = task;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            task.cancel(mayInterruptIfRunning);
            return cancelled;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }
}
