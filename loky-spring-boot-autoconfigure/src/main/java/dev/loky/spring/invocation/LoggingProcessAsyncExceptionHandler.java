package dev.loky.spring.invocation;

import dev.loky.spring.InvalidProcessAsyncMethodException;
import dev.loky.spring.ProcessAsyncExceptionHandler;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.lang.reflect.Method;

/** The default {@link ProcessAsyncExceptionHandler}: logs the failure at error level. */
public class LoggingProcessAsyncExceptionHandler implements ProcessAsyncExceptionHandler {

    private static final Log logger = LogFactory.getLog(LoggingProcessAsyncExceptionHandler.class);

    @Override
    public void handleException(Throwable error, Method method, Object... arguments) {
        logger.error("Fire-and-forget @ProcessAsync call of " + InvalidProcessAsyncMethodException.describe(method) + " failed", error);
    }
}
