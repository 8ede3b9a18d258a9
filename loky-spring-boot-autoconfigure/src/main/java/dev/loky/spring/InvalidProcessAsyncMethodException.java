package dev.loky.spring;

import dev.loky.LokyException;

import java.lang.reflect.Method;

/**
 * A {@link ProcessAsync} method whose signature cannot work (it cannot be proxied, or its arguments
 * or result cannot travel as JSON). Raised while the bean is created, so the application fails at
 * startup rather than at the first call.
 */
public class InvalidProcessAsyncMethodException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final transient Method method;
    private final String reason;
    private final String action;

    public InvalidProcessAsyncMethodException(Method method, String reason, String action) {
        super("@ProcessAsync method " + describe(method) + " is not supported: " + reason);
        this.method = method;
        this.reason = reason;
        this.action = action;
    }

    /** The offending method. */
    public Method method() {
        return method;
    }

    /** Why the method is not supported. */
    public String reason() {
        return reason;
    }

    /** How to fix it. */
    public String action() {
        return action;
    }

    /** {@code Declaring.method(ParamType, ...)} with simple type names. */
    public static String describe(Method method) {
        StringBuilder sb = new StringBuilder(method.getDeclaringClass().getName()).append('.').append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return sb.append(')').toString();
    }
}
