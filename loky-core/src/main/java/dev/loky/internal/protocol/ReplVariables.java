package dev.loky.internal.protocol;

import dev.loky.serialization.JavaTaskSerializer;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A jshell session's variables travel by value, as cloudpickle ships a REPL's globals: jshell keeps
 * each top-level variable in a static field of its snippet's class ({@code REPL.$JShell$7.factor}),
 * so a lambda that reads one would read the field's default in a worker that loaded the class
 * afresh ({@code 0} for {@code var factor = 3}). The parent reads the fields' values when it ships
 * such a class, and again with every later task when they changed since; the worker sets them. A
 * value that cannot be serialized (the pool itself, a stream) is not shipped: the worker's field
 * stays {@code null}, and a task that uses it fails with a {@code NullPointerException} rather than
 * computing with a different value.
 *
 * <p>Stateless; any thread.
 */
public final class ReplVariables {

    private ReplVariables() {
    }

    /** {@code true} for a class jshell made for a snippet. */
    public static boolean isRepl(String className) {
        return className.startsWith("REPL.$JShell$");
    }

    /** The serialized value of each variable field of {@code type} that can be serialized. */
    public static Map<String, byte[]> read(Class<?> type) {
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (Field field : type.getDeclaredFields()) {
            if (!isVariable(field)) {
                continue;
            }
            try {
                field.setAccessible(true);
                values.put(field.getName(), JavaTaskSerializer.INSTANCE.serialize(field.get(null)));
            } catch (Exception | LinkageError e) {
                // not shippable: it stays null in the worker
            }
        }
        return values;
    }

    /** Sets the variables of {@code type} in this JVM from {@code values} (read with {@code loader}). */
    public static void apply(Class<?> type, Map<String, byte[]> values, ClassLoader loader) throws Exception {
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            Field field = type.getDeclaredField(e.getKey());
            if (isVariable(field)) {
                field.setAccessible(true);
                field.set(null, JavaTaskSerializer.INSTANCE.deserialize(e.getValue(), loader));
            }
        }
    }

    private static boolean isVariable(Field field) {
        int m = field.getModifiers();
        return Modifier.isStatic(m) && !Modifier.isFinal(m) && !field.isSynthetic();
    }

    public static byte[] encode(Map<String, byte[]> values) throws java.io.IOException {
        return values.isEmpty() ? new byte[0] : JavaTaskSerializer.INSTANCE.serialize(new LinkedHashMap<>(values));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, byte[]> decode(byte[] bytes) throws Exception {
        return bytes.length == 0 ? Map.of()
                : (Map<String, byte[]>) JavaTaskSerializer.INSTANCE.deserialize(bytes, ReplVariables.class.getClassLoader());
    }
}
