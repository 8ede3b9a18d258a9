package dev.loky.spring.invocation;

/**
 * Told the name of each bean whose {@code @ProcessAsync} methods are called through a pool whose
 * initializer implements it: the worker context initializer, so that a worker started later (a
 * replacement, a spare, a recycled worker's successor) creates those beans and their dependency
 * closure as soon as it is ready, and its first call does not wait for them. Implementations are
 * called on the callers' threads, concurrently.
 */
public interface CalledBeans {

    /** A call of a {@code @ProcessAsync} method of {@code beanName}, whose user class is {@code beanClass}, is being made. */
    void called(String beanName, Class<?> beanClass);

    /** {@code true} when {@code type} declares or inherits a {@code @ProcessAsync} method (so a bean of it is proxied). */
    static boolean hasProcessAsyncMethods(Class<?> type) {
        for (java.lang.reflect.Method method : org.springframework.util.ReflectionUtils.getUniqueDeclaredMethods(type,
                org.springframework.util.ReflectionUtils.USER_DECLARED_METHODS)) {
            if (ProcessAsyncMethod.isProcessAsync(method, type)) {
                return true;
            }
        }
        return false;
    }
}
