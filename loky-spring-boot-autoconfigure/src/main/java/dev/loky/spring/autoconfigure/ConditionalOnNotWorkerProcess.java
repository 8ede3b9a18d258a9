package dev.loky.spring.autoconfigure;

import org.springframework.context.annotation.Conditional;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Matches in the application's own JVM, not in a loky worker JVM (where the system property
 * {@code loky.worker.process} is {@code true}): a worker's slim context creates no pool and no proxies.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(OnWorkerProcessCondition.class)
public @interface ConditionalOnNotWorkerProcess {
}
