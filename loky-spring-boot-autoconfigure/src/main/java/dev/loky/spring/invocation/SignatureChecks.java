package dev.loky.spring.invocation;

import dev.loky.spring.InvalidProcessAsyncMethodException;
import dev.loky.spring.ProcessAsync;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;

/**
 * The checks {@link ProcessAsyncMethod#analyze} makes of a {@link ProcessAsync} method's signature
 * when the bean is proxied, so that a method that cannot work fails start-up with an
 * {@link InvalidProcessAsyncMethodException} naming the problem and the fix, instead of running
 * inline or failing at its first call. Stateless.
 */
final class SignatureChecks {

    private SignatureChecks() {
    }

    /** A static or private method (or, with a CGLIB proxy, a final one) would never reach the proxy. */
    static void checkProxyable(Method method, boolean cglib) {
        int modifiers = method.getModifiers();
        if (Modifier.isStatic(modifiers)) {
            throw new InvalidProcessAsyncMethodException(method, "a static method cannot be proxied",
                    "Make the method an instance method of the bean, or remove @ProcessAsync from it.");
        }
        if (Modifier.isPrivate(modifiers)) {
            throw new InvalidProcessAsyncMethodException(method, "a private method cannot be proxied, so it would silently run inline",
                    "Make the method public, or remove @ProcessAsync from it.");
        }
        if (cglib && Modifier.isFinal(modifiers)) {
            throw new InvalidProcessAsyncMethodException(method, "a final method cannot be proxied, so it would silently run inline",
                    "Remove the final modifier, or remove @ProcessAsync from it.");
        }
    }

    /** {@code what} (a parameter or the result) must be a concrete type that JSON can carry. */
    static void checkTravels(Method method, ResolvableType type, String what) {
        if (type.hasUnresolvableGenerics() || type.resolve() == null) {
            throw new InvalidProcessAsyncMethodException(method, what + " has the type " + type + ", whose type variables cannot be resolved from the bean's class, so it cannot be read as JSON",
                    "Declare a concrete type, or call the method on a subclass that binds the type variables.");
        }
        Class<?> raw = type.resolve();
        Class<?>[] unsupported = {InputStream.class, OutputStream.class, Reader.class, Writer.class, BaseStream.class, Iterator.class,
                Spliterator.class, Thread.class, ClassLoader.class, Runnable.class, Callable.class, Future.class, CompletionStage.class};
        for (Class<?> bad : unsupported) {
            if (bad.isAssignableFrom(raw)) {
                throw new InvalidProcessAsyncMethodException(method, what + " has the type " + raw.getName() + ", which cannot travel between JVMs as JSON",
                        "Pass or return plain data (records, collections, strings, numbers, byte[]) instead; read streams into a value first.");
            }
        }
        if (raw.getName().startsWith("java.util.function.") || raw.getName().equals("org.reactivestreams.Publisher")
                || raw.getName().startsWith("reactor.core.publisher.")) {
            throw new InvalidProcessAsyncMethodException(method, what + " has the type " + raw.getName() + ", which cannot travel between JVMs as JSON",
                    "Pass or return plain data (records, collections, strings, numbers, byte[]) instead.");
        }
    }

    /** {@link ProcessAsync#timeout()} of the method, else of its class, resolved and parsed; {@code null} = none. */
    static Duration timeout(Method method, Class<?> targetClass, StringValueResolver resolver) {
        ProcessAsync annotation = AnnotatedElementUtils.findMergedAnnotation(method, ProcessAsync.class);
        if (annotation == null || !StringUtils.hasText(annotation.timeout())) {
            annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, ProcessAsync.class);
        }
        if (annotation == null || !StringUtils.hasText(annotation.timeout())) {
            return null;
        }
        String text = annotation.timeout();
        String value;
        Duration timeout;
        try {
            value = resolver.resolveStringValue(text);
        } catch (RuntimeException ex) {
            throw new InvalidProcessAsyncMethodException(method, "its timeout '" + text + "' cannot be resolved: " + ex.getMessage(),
                    "Define the property the placeholder refers to, or give it a default, e.g. ${my.timeout:30s}.");
        }
        if (!StringUtils.hasText(value)) {
            return null;
        }
        try {
            timeout = DurationStyle.detectAndParse(value.trim(), ChronoUnit.SECONDS);
        } catch (RuntimeException ex) {
            throw new InvalidProcessAsyncMethodException(method, "its timeout '" + value + "' is not a duration",
                    "Write the timeout as a duration such as \"30s\", \"500ms\" or \"PT1M\" (a bare number means seconds).");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new InvalidProcessAsyncMethodException(method, "its timeout '" + value + "' is not positive",
                    "Write a positive timeout such as \"30s\", or leave it empty to use loky.task-timeout.");
        }
        return timeout;
    }
}
