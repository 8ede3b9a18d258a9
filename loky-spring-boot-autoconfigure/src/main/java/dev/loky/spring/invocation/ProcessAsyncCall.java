package dev.loky.spring.invocation;

import dev.loky.RemoteCallable;

import java.io.Serial;
import java.util.Arrays;

/**
 * One {@code @ProcessAsync} call as it travels to a worker: which bean, which method, and the
 * arguments as JSON (one document per parameter). Small and made only of strings and bytes, so the
 * core's Java serialization of it is cheap and safe. Its result is the return value as JSON
 * ({@code null} for {@code void}).
 */
final class ProcessAsyncCall implements RemoteCallable<byte[]> {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String beanName;
    private final String targetClassName;
    private final String methodName;
    private final String[] parameterTypeNames;
    private final byte[][] arguments;
    private final String inProcessKey;
    /** The arguments as text for {@link #toString()}, only when the user opted in; the parent's alone. */
    private transient String shownArguments;
    /** The caller's MDC and trace context ({@link CallContext}); a HashMap of strings. */
    private final java.util.HashMap<String, String> context;

    ProcessAsyncCall(String beanName, String targetClassName, String methodName, String[] parameterTypeNames,
            byte[][] arguments, String inProcessKey, java.util.Map<String, String> context) {
        this.beanName = beanName;
        this.targetClassName = targetClassName;
        this.methodName = methodName;
        this.parameterTypeNames = parameterTypeNames;
        this.arguments = arguments;
        this.inProcessKey = inProcessKey;
        this.context = context == null ? null : new java.util.HashMap<>(context);
    }

    @Override
    public byte[] call() throws Exception {
        CallTarget target = inProcessKey != null ? CallTargets.inProcess(inProcessKey) : CallTargets.worker();
        return target.invoke(this);
    }

    /** The bean's name in the caller's context. */
    public String beanName() {
        return beanName;
    }

    /** The bean's user class (not a proxy class). */
    public String targetClassName() {
        return targetClassName;
    }

    public String methodName() {
        return methodName;
    }

    public String[] parameterTypeNames() {
        return parameterTypeNames.clone();
    }

    java.util.Map<String, String> context() {
        return context;
    }

    byte[][] arguments() {
        return arguments;
    }

    /**
     * Makes {@link #toString()} (the task's description in snapshots, slow calls and failures)
     * show the arguments, abbreviated: {@code loky.insights.record-arguments=true}. Before submit.
     */
    void showArguments() {
        StringBuilder text = new StringBuilder();
        for (byte[] argument : arguments) {
            text.append(text.isEmpty() ? "" : ", ").append(new String(argument, java.nio.charset.StandardCharsets.UTF_8));
        }
        shownArguments = text.length() > 200 ? text.substring(0, 200) + "..." : text.toString();
    }

    /** {@code Class#method(types)}: the key under which the method's description is cached. */
    String methodKey() {
        return targetClassName + '#' + methodName + Arrays.toString(parameterTypeNames);
    }

    @Override
    public String toString() {
        return "@ProcessAsync " + targetClassName + "." + methodName + "(" + String.join(", ", parameterTypeNames) + ") on bean '" + beanName + "'"
                + (shownArguments == null ? "" : " with arguments (" + shownArguments + ")");
    }
}
