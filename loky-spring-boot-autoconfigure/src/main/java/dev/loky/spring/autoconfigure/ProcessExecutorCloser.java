package dev.loky.spring.autoconfigure;

import dev.loky.ProcessExecutor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

import java.time.Duration;

/**
 * The one owner of the auto-configured pool's end (the pool is built with
 * {@code closeOnJvmExit(false)}, so loky-core's JVM shutdown hook leaves it alone). A
 * {@link SmartLifecycle}, like Spring's {@code ThreadPoolTaskExecutor}, whose {@link #PHASE} puts its
 * stop after the web server's graceful shutdown has drained in-flight requests (which may be waiting
 * for {@code @ProcessAsync} calls) and before the web server stops: it refuses new tasks, gives
 * running and queued ones {@code loky.shutdown-timeout} to finish, then kills the workers that are
 * left, so their callers fail with {@code TerminatedWorkerException} while responses can still be
 * written. SIGTERM to the application takes this path too (Spring's shutdown hook closes the context).
 *
 * <p>Only a stop that closes the context ends the pool, since an ended pool cannot start again: like
 * {@code ThreadPoolTaskExecutor}, it learns of the close from the context's {@link ContextClosedEvent},
 * which comes before the lifecycle stop. A stop without a close ({@code context.stop()}, then
 * {@code start()}) leaves the pool serving; and the pool is not pauseable, so the test framework's
 * pausing of a cached context that another test class does not use (Spring Framework 7) leaves it
 * alone: without this, the next test class that reused the context found a shut-down pool.
 *
 * <p>{@link #stop()} blocks the closing thread for at most {@code loky.shutdown-timeout} (a
 * synchronous stop is not cut short by {@code spring.lifecycle.timeout-per-shutdown-phase}).
 * {@link #destroy()} kills whatever is left when the context is destroyed without being stopped
 * (a failed refresh). Both are idempotent; Spring calls them from the closing thread.
 */
final class ProcessExecutorCloser implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, ApplicationContextAware,
        DisposableBean {

    /**
     * Between Boot's {@code WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE} ({@code MAX_VALUE - 1024},
     * stopped first) and {@code START_STOP_LIFECYCLE_PHASE} ({@code MAX_VALUE - 2048}, the server itself).
     */
    static final int PHASE = Integer.MAX_VALUE - 1536;

    private static final Duration REAP_TIMEOUT = Duration.ofSeconds(5);

    private static final Log logger = LogFactory.getLog(ProcessExecutorCloser.class);

    private final ProcessExecutor executor;
    private final Duration timeout;
    private volatile boolean running;
    private volatile ApplicationContext context;
    /** Set by the context's own {@link ContextClosedEvent} (one from a child context does not count). */
    private volatile boolean closing;

    ProcessExecutorCloser(ProcessExecutor executor, Duration timeout) {
        this.executor = executor;
        this.timeout = timeout;
    }

    /** Fails the context's start if the pool's background preparation found an invalid setting. */
    @Override
    public void start() {
        if (executor instanceof PreparedProcessExecutor prepared) {
            prepared.awaitValidated();
        }
        running = true;
    }

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) {
        this.context = applicationContext;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() == context) {
            closing = true;
        }
    }

    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public void stop() {
        running = false;
        if (!closing) {
            logger.debug("The context stops without closing: the loky pool keeps serving until the context closes");
            return;
        }
        executor.shutdown();
        try {
            if (!timeout.isZero() && executor.awaitTermination(timeout)) {
                return;
            }
            if (!timeout.isZero()) {
                logger.warn("loky tasks still running after loky.shutdown-timeout (" + timeout + "): killing their workers");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        executor.abort("the application is shutting down and loky.shutdown-timeout (" + timeout + ") ran out");
        try {
            // the callers' futures fail once the killed workers are reaped; waiting for that here lets
            // request threads answer before the next lifecycle phase stops the web server
            executor.awaitTermination(REAP_TIMEOUT);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
