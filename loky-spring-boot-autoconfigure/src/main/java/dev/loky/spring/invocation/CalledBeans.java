package dev.loky.spring.invocation;

/**
 * Told the name of each bean whose {@code @ProcessAsync} methods are called through a pool whose
 * initializer implements it: the worker context initializer, so that a worker started later (a
 * replacement, a spare, a recycled worker's successor) creates those beans and their dependency
 * closure before it reports ready, and its first call does not wait for them. Implementations are
 * called on the callers' threads, concurrently.
 */
public interface CalledBeans {

    /** A call of a {@code @ProcessAsync} method of {@code beanName} is being made. */
    void called(String beanName);
}
