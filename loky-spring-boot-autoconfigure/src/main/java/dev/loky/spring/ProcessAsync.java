package dev.loky.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a bean method in a reusable worker JVM instead of the caller's JVM.
 *
 * <p>On a method, that method; on a class, every public method of the class. The call is made on
 * the same bean in the worker's own (slim, lazily initialized) Spring context, so the bean's
 * dependencies, {@code @Value}s and other advice apply there.
 *
 * <p>The return type decides how the caller sees the call:
 * <ul>
 *   <li>{@link java.util.concurrent.CompletableFuture CompletableFuture&lt;T&gt;},
 *       {@link java.util.concurrent.CompletionStage CompletionStage&lt;T&gt;} and
 *       {@link java.util.concurrent.Future Future&lt;T&gt;}: asynchronous; the future completes with
 *       the value, or with the task's own exception (or a {@link dev.loky.LokyException} that says
 *       why it could not finish: crash, timeout, serialization).</li>
 *   <li>{@code void}: fire-and-forget; a failure is handed to the
 *       {@link ProcessAsyncExceptionHandler} bean (by default, logged) and counted.</li>
 *   <li>anything else: an <em>isolated synchronous call</em>; the caller blocks and gets the value,
 *       or the task's exception as itself (an {@code IllegalArgumentException} arrives as an
 *       {@code IllegalArgumentException}; a crash as {@link dev.loky.TerminatedWorkerException}).</li>
 * </ul>
 *
 * <p>Arguments and results travel as JSON written by the application's own Jackson
 * {@code JsonMapper}, typed by the method's generic signature (no polymorphic default typing).
 * Signatures that cannot travel (streams, lambdas, unresolvable type variables, {@code private} or
 * {@code static} methods) fail the application's startup.
 *
 * <p>As with {@code @Async}, a call from the bean to itself ({@code this.method()}) bypasses the
 * proxy and runs inline. Inside a worker JVM (and when {@code loky.enabled=false}) every
 * {@code @ProcessAsync} method runs inline.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ProcessAsync {

    /**
     * The call's timeout, as a duration string ({@code "30s"}, {@code "500ms"}, {@code "PT1M"};
     * a bare number means seconds); {@code ${...}} placeholders are resolved. A call running longer
     * is killed with its worker (which is replaced) and fails with
     * {@link dev.loky.TaskTimeoutException}. Empty (the default) means {@code loky.task-timeout}.
     * A method's value overrides its class's.
     */
    String timeout() default "";

    /**
     * Whether the call is safe to run twice. With {@code loky.cluster.enabled}, a call whose cluster
     * member leaves before answering fails with {@link dev.loky.ClusterMemberLostException}; an
     * idempotent call is instead sent once more (to another member) and only a second loss fails
     * it. A method's annotation overrides its class's.
     */
    boolean idempotent() default false;
}
