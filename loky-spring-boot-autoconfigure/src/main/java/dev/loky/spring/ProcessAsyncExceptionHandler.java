package dev.loky.spring;

import java.lang.reflect.Method;

/**
 * Handles the failure of a fire-and-forget ({@code void}) {@link ProcessAsync} call, whose caller
 * has long returned: the analogue of Spring's {@code AsyncUncaughtExceptionHandler}. Declare a bean
 * of this type to replace the default, which logs the failure. Called on a pool thread.
 */
@FunctionalInterface
public interface ProcessAsyncExceptionHandler {

    /**
     * @param error the task's own exception, or a {@link dev.loky.LokyException} saying why it could
     *     not finish (crash, timeout, serialization)
     * @param method the {@code @ProcessAsync} method
     * @param arguments the arguments it was called with
     */
    void handleException(Throwable error, Method method, Object... arguments);
}
