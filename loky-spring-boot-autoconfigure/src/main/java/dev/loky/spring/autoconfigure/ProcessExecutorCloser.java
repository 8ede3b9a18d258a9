package dev.loky.spring.autoconfigure;

import dev.loky.ProcessExecutor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;

import java.time.Duration;

/**
 * Stops the auto-configured pool when the context closes: no new tasks, queued and running tasks
 * get {@code loky.shutdown-timeout} to finish, then the remaining workers are killed.
 */
final class ProcessExecutorCloser implements DisposableBean {

    private static final Log logger = LogFactory.getLog(ProcessExecutorCloser.class);

    private final ProcessExecutor executor;
    private final Duration timeout;

    ProcessExecutorCloser(ProcessExecutor executor, Duration timeout) {
        this.executor = executor;
        this.timeout = timeout;
    }

    @Override
    public void destroy() {
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
        executor.shutdownNow();
    }
}
