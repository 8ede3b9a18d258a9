package dev.loky.spring.invocation;

import dev.loky.TaskSerializationException;
import dev.loky.spring.InvalidProcessAsyncMethodException;
import dev.loky.spring.ProcessAsync;

import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringValueResolver;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.TypeFactory;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * What is known about one {@link ProcessAsync} method of one target class: how its caller sees the
 * call (its {@link Kind}), the generic types its arguments and result travel with, and its timeout.
 * Built once per method (in the parent when the bean is proxied, which is where an unsupported
 * signature fails; in a worker on the first call) and cached.
 */
final class ProcessAsyncMethod {

    /** How the caller sees a call. */
    enum Kind {
        /** Returns {@code CompletableFuture<T>}. */
        COMPLETABLE_FUTURE,
        /** Returns {@code CompletionStage<T>}. */
        COMPLETION_STAGE,
        /** Returns {@code Future<T>}. */
        FUTURE,
        /** Returns nothing: fire-and-forget. */
        VOID,
        /** Returns a value: an isolated synchronous call. */
        SYNC;

        boolean isAsync() {
            return this == COMPLETABLE_FUTURE || this == COMPLETION_STAGE || this == FUTURE;
        }
    }

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    private final Method method;
    private final Class<?> targetClass;
    private final Kind kind;
    private final ResolvableType[] parameterTypes;
    private final String[] parameterNames;
    private final ResolvableType resultType;
    private final Duration timeout;
    /** {@link ProcessAsync#idempotent()}, read on first use (only cluster calls need it). */
    private volatile Boolean idempotent;

    private volatile JsonMapper typedFor;
    private volatile JavaType[] parameterJavaTypes;
    private volatile JavaType resultJavaType;

    private ProcessAsyncMethod(Method method, Class<?> targetClass, Kind kind, ResolvableType[] parameterTypes,
            String[] parameterNames, ResolvableType resultType, Duration timeout) {
        this.method = method;
        this.targetClass = targetClass;
        this.kind = kind;
        this.parameterTypes = parameterTypes;
        this.parameterNames = parameterNames;
        this.resultType = resultType;
        this.timeout = timeout;
    }

    /**
     * {@code true} if {@code method} of {@code targetClass} is a {@link ProcessAsync} method: it is
     * annotated itself, or its class is and it is a public instance method not declared by
     * {@link Object}. A private or static method annotated itself counts, so that it can be rejected.
     */
    public static boolean isProcessAsync(Method method, Class<?> targetClass) {
        if (method.getDeclaringClass() == Object.class || method.isBridge() || method.isSynthetic()) {
            return false;
        }
        if (AnnotatedElementUtils.hasAnnotation(method, ProcessAsync.class)) {
            return true;
        }
        return Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
                && (AnnotatedElementUtils.hasAnnotation(targetClass, ProcessAsync.class)
                        || AnnotatedElementUtils.hasAnnotation(method.getDeclaringClass(), ProcessAsync.class));
    }

    /**
     * Checks and describes a {@link ProcessAsync} method.
     *
     * @param resolver resolves placeholders in {@link ProcessAsync#timeout()}; {@code null} to skip
     *     the timeout (in a worker, which does not need it)
     * @param cglib whether the bean is proxied by subclassing (then a final method cannot be intercepted)
     * @throws InvalidProcessAsyncMethodException if the method cannot work
     */
    public static ProcessAsyncMethod analyze(Method method, Class<?> targetClass, StringValueResolver resolver, boolean cglib) {
        SignatureChecks.checkProxyable(method, cglib);

        ResolvableType returnType = ResolvableType.forMethodReturnType(method, targetClass);
        Class<?> raw = method.getReturnType();
        Kind kind;
        ResolvableType resultType;
        if (raw == void.class) {
            kind = Kind.VOID;
            resultType = null;
        } else if (raw == CompletableFuture.class || raw == CompletionStage.class || raw == Future.class) {
            kind = raw == CompletableFuture.class ? Kind.COMPLETABLE_FUTURE : raw == Future.class ? Kind.FUTURE : Kind.COMPLETION_STAGE;
            resultType = returnType.as(raw).getGeneric(0);
            if (resultType == ResolvableType.NONE || resultType.resolve() == null) {
                throw new InvalidProcessAsyncMethodException(method, "the type argument of its " + raw.getSimpleName() + " return type is missing or cannot be resolved",
                        "Declare the result type, e.g. " + raw.getSimpleName() + "<MyResult> (use " + raw.getSimpleName() + "<Void> for no result).");
            }
        } else if (Future.class.isAssignableFrom(raw) || CompletionStage.class.isAssignableFrom(raw)) {
            throw new InvalidProcessAsyncMethodException(method, "its return type " + raw.getName() + " is not supported",
                    "Declare the return type as CompletableFuture<T>, CompletionStage<T> or Future<T>.");
        } else {
            kind = Kind.SYNC;
            resultType = returnType;
        }
        if (resultType != null) {
            SignatureChecks.checkTravels(method, resultType, "its result");
        }

        Class<?>[] rawParameters = method.getParameterTypes();
        ResolvableType[] parameterTypes = new ResolvableType[rawParameters.length];
        String[] discovered = NAMES.getParameterNames(method);
        String[] parameterNames = new String[rawParameters.length];
        for (int i = 0; i < rawParameters.length; i++) {
            parameterNames[i] = discovered != null && discovered.length == rawParameters.length ? discovered[i] : "arg" + i;
            parameterTypes[i] = ResolvableType.forMethodParameter(method, i, targetClass);
            SignatureChecks.checkTravels(method, parameterTypes[i], "its parameter '" + parameterNames[i] + "'");
        }

        Duration timeout = resolver == null ? null : SignatureChecks.timeout(method, targetClass, resolver);
        return new ProcessAsyncMethod(method, targetClass, kind, parameterTypes, parameterNames, resultType, timeout);
    }

    public Method method() {
        return method;
    }

    public Class<?> targetClass() {
        return targetClass;
    }

    public Kind kind() {
        return kind;
    }

    /** The method's own timeout; {@code null} = the pool's ({@code loky.task-timeout}). */
    public Duration timeout() {
        return timeout;
    }

    /** {@link ProcessAsync#idempotent()} of the method, or else of its class. */
    public boolean idempotent() {
        Boolean value = idempotent;
        if (value == null) {
            ProcessAsync annotation = AnnotatedElementUtils.findMergedAnnotation(method, ProcessAsync.class);
            if (annotation == null) {
                annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, ProcessAsync.class);
            }
            value = annotation != null && annotation.idempotent();
            idempotent = value;
        }
        return value;
    }

    /** {@code Target.method(Type, ...)}. */
    public String describe() {
        return InvalidProcessAsyncMethodException.describe(method);
    }

    /** The parameter types' names, as {@link Class#getName()} gives them. */
    public String[] parameterTypeNames() {
        Class<?>[] types = method.getParameterTypes();
        String[] names = new String[types.length];
        for (int i = 0; i < types.length; i++) {
            names[i] = types[i].getName();
        }
        return names;
    }

    /**
     * Checks that every parameter and the result read back whole from what {@code mapper} writes.
     *
     * @throws InvalidProcessAsyncMethodException naming the type, the property and the fixes
     */
    void verifyRoundTrip(JsonMapper mapper) {
        JavaType[] types = parameterJavaTypes(mapper);
        for (int i = 0; i < types.length; i++) {
            JsonRoundTrip.verify(mapper, this, types[i], "its parameter '" + parameterNames[i] + "'");
        }
        if (resultType != null) {
            JsonRoundTrip.verify(mapper, this, resultJavaType(mapper), "its result");
        }
    }

    /** Writes each argument as JSON, typed by its parameter's generic type. */
    public byte[][] writeArguments(JsonMapper mapper, Object[] arguments, TaskSerializationException.Side side) {
        JavaType[] types = parameterJavaTypes(mapper);
        byte[][] json = new byte[arguments.length][];
        for (int i = 0; i < arguments.length; i++) {
            try {
                json[i] = mapper.writerFor(types[i]).writeValueAsBytes(arguments[i]);
            } catch (JacksonException | IllegalArgumentException ex) {
                throw new TaskSerializationException(side, "Argument '" + parameterNames[i] + "' (parameter " + i + ", " + parameterTypes[i]
                        + ") of @ProcessAsync method " + describe() + " cannot be written as JSON: " + ex.getMessage(), ex);
            }
        }
        return json;
    }

    /** Reads each argument from JSON, typed by its parameter's generic type. */
    public Object[] readArguments(JsonMapper mapper, byte[][] json, TaskSerializationException.Side side) {
        JavaType[] types = parameterJavaTypes(mapper);
        if (json.length != types.length) {
            throw new TaskSerializationException(side, "@ProcessAsync method " + describe() + " takes " + types.length
                    + " arguments, but the call carried " + json.length, null);
        }
        Object[] arguments = new Object[json.length];
        for (int i = 0; i < json.length; i++) {
            try {
                arguments[i] = mapper.readValue(json[i], types[i]);
            } catch (JacksonException | IllegalArgumentException ex) {
                throw new TaskSerializationException(side, "Argument '" + parameterNames[i] + "' (parameter " + i + ", " + parameterTypes[i]
                        + ") of @ProcessAsync method " + describe() + " cannot be read from JSON: " + ex.getMessage(), ex);
            }
        }
        return arguments;
    }

    /**
     * Writes the result as JSON, typed by the (unwrapped) generic return type; {@code null} for a
     * {@code void} method.
     */
    public byte[] writeResult(JsonMapper mapper, Object result, TaskSerializationException.Side side) {
        if (kind == Kind.VOID) {
            return null;
        }
        try {
            return mapper.writerFor(resultJavaType(mapper)).writeValueAsBytes(result);
        } catch (JacksonException | IllegalArgumentException ex) {
            throw new TaskSerializationException(side, "The result (" + resultType + ") of @ProcessAsync method " + describe()
                    + " cannot be written as JSON: " + ex.getMessage(), ex);
        }
    }

    /** Reads the result from JSON, typed by the (unwrapped) generic return type. */
    public Object readResult(JsonMapper mapper, byte[] json, TaskSerializationException.Side side) {
        if (kind == Kind.VOID || json == null) {
            return null;
        }
        try {
            Object value = mapper.readValue(json, resultJavaType(mapper));
            if (value == null && method.getReturnType().isPrimitive()) {
                throw new TaskSerializationException(side, "The result of @ProcessAsync method " + describe()
                        + " is null, which its primitive return type cannot hold", null);
            }
            return value;
        } catch (JacksonException | IllegalArgumentException ex) {
            throw new TaskSerializationException(side, "The result (" + resultType + ") of @ProcessAsync method " + describe()
                    + " cannot be read from JSON: " + ex.getMessage(), ex);
        }
    }

    /**
     * The value to send back for what the method returned: the completed value of a returned
     * future (its failure is thrown as the original exception), else the value itself.
     */
    public Object awaitResult(Object returned) throws Exception {
        if (!kind.isAsync() || returned == null) {
            return returned;
        }
        Future<?> future = returned instanceof Future<?> f ? f : ((CompletionStage<?>) returned).toCompletableFuture();
        try {
            return future.get();
        } catch (ExecutionException ex) {
            throw Exceptions.sneaky(ex.getCause() == null ? ex : ex.getCause());
        }
    }

    private JavaType[] parameterJavaTypes(JsonMapper mapper) {
        ensureTypes(mapper);
        return parameterJavaTypes;
    }

    private JavaType resultJavaType(JsonMapper mapper) {
        ensureTypes(mapper);
        return resultJavaType;
    }

    private void ensureTypes(JsonMapper mapper) {
        if (typedFor == mapper) {
            return;
        }
        synchronized (this) {
            if (typedFor == mapper) {
                return;
            }
            TypeFactory factory = mapper.getTypeFactory();
            JavaType[] parameters = new JavaType[parameterTypes.length];
            for (int i = 0; i < parameters.length; i++) {
                parameters[i] = javaType(factory, parameterTypes[i]);
            }
            this.parameterJavaTypes = parameters;
            this.resultJavaType = resultType == null ? null : javaType(factory, resultType);
            this.typedFor = mapper;
        }
    }

    /**
     * Builds the Jackson type from a fully resolved {@link ResolvableType}, generic by generic, so
     * that a type variable resolved through the bean's class never degrades to {@code Object}.
     */
    static JavaType javaType(TypeFactory factory, ResolvableType type) {
        Class<?> raw = type.resolve(Object.class);
        if (type.isArray() && !raw.getComponentType().isPrimitive()) {
            return factory.constructArrayType(javaType(factory, type.getComponentType()));
        }
        if (!type.hasGenerics()) {
            return factory.constructType(raw);
        }
        ResolvableType[] generics = type.getGenerics();
        JavaType[] parameters = new JavaType[generics.length];
        for (int i = 0; i < generics.length; i++) {
            parameters[i] = javaType(factory, generics[i]);
        }
        return factory.constructParametricType(raw, parameters);
    }
}
