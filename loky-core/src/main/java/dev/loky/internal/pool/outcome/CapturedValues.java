package dev.loky.internal.pool.outcome;

import java.io.NotSerializableException;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * Says what could not be written when a task fails to serialize in the caller's JVM. A task is
 * usually a lambda, and what fails is a value it captured (a service, a connection), so the message
 * names that captured value's class and the lambda's implementation method, rather than speaking of
 * an "argument" the user never passed.
 */
public final class CapturedValues {

    private CapturedValues() {
    }

    /** E.g. {@code "captured value #1 (of class com.example.Repo) of lambda com.example.Jobs.lambda$run$0 is not Serializable"}. */
    public static String describeFailure(Object task, String description, Throwable error) {
        String failedClass = error instanceof NotSerializableException ? error.getMessage() : null;
        SerializedLambda lambda = serializedForm(task);
        if (lambda != null) {
            String where = "lambda " + lambda.getImplClass().replace('/', '.') + "." + lambda.getImplMethodName();
            for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
                Object value = lambda.getCapturedArg(i);
                if (value != null && (!(value instanceof Serializable) || value.getClass().getName().equals(failedClass))) {
                    return description + ": captured value #" + (i + 1) + " (of class " + value.getClass().getName() + ") of "
                            + where + " could not be serialized in the parent: " + error
                            + ". Capture only Serializable values (copy the fields you need into local variables),"
                            + " or pass what the task needs as data.";
                }
            }
            if (failedClass != null) {
                return description + ": a value of class " + failedClass + ", reached from the values captured by " + where
                        + ", could not be serialized in the parent: " + error
                        + ". Make the values the lambda captures, and everything they reference, Serializable.";
            }
        }
        return description + ": task could not be serialized in the parent: " + error
                + ". Make the task and every value it captures Serializable.";
    }

    /** The lambda's serialized form, or {@code null} if {@code task} is not a serializable lambda. */
    private static SerializedLambda serializedForm(Object task) {
        if (!task.getClass().isSynthetic()) {
            return null;
        }
        try {
            Method writeReplace = task.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            return writeReplace.invoke(task) instanceof SerializedLambda lambda ? lambda : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
