package dev.loky.serialization;

import dev.loky.serialization.CompactBytes.In;
import dev.loky.serialization.CompactBytes.Out;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.StreamCorruptedException;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The short form of {@link JavaTaskSerializer} for the values most tasks are made of: {@code null},
 * a boxed primitive, a {@code String}, and a serializable lambda whose captured values are all of
 * those. The profile of a no-op round trip showed Java serialization dominating the caller's and
 * the worker's time: each message writes and parses the class descriptors of
 * {@code SerializedLambda}, {@code Object[]}, {@code Integer} and {@code Number}, resolves each
 * class by name, and {@code SerializedLambda.readResolve} looks up {@code $deserializeLambda$}
 * reflectively every time. The short form writes a lambda's fixed part (its shape) once per lambda
 * class and caches the resolved {@code $deserializeLambda$} per shape, so only the captured values
 * vary per message.
 *
 * <p>The lambda is still rebuilt the way Java serialization rebuilds it: through the capturing
 * class's own {@code $deserializeLambda$}, which accepts only lambdas that class declares. The
 * capturing class is resolved through the given loader and checked against
 * {@link DeserializationFilter}'s rejected families, like any class a Java-serialized message
 * names. Everything else (objects, arrays, lambdas capturing other values) takes the ordinary
 * path. A short-form message starts with a tag below {@code 0x20}; Java serialization's stream
 * magic starts with {@code 0xAC}, so the two never collide. Thread-safe: the caches are a
 * {@link ClassValue} and concurrent maps.
 */
final class CompactForm {

    private static final int NULL = 1;
    private static final int INT = 2;
    private static final int LONG = 3;
    private static final int DOUBLE = 4;
    private static final int FLOAT = 5;
    private static final int SHORT = 6;
    private static final int BYTE = 7;
    private static final int CHAR = 8;
    private static final int BOOLEAN = 9;
    private static final int STRING = 10;
    private static final int LAMBDA = 16;
    /** Highest tag of the short form. */
    private static final int MAX_TAG = 0x1F;
    /** Shapes resolved per capturing class; bounded so that a stream of odd shapes cannot grow it. */
    private static final int MAX_SHAPES_PER_CLASS = 1024;

    /** Per lambda class: its {@code writeReplace} and its shape bytes, or {@link LambdaClass#NONE}. */
    private static final ClassValue<LambdaClass> LAMBDA_CLASSES = new ClassValue<>() {
        @Override
        protected LambdaClass computeValue(Class<?> type) {
            return LambdaClass.of(type);
        }
    };

    /** Per capturing class: its resolved shapes by their bytes. */
    private static final ClassValue<ConcurrentHashMap<String, Shape>> SHAPES = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Shape> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private CompactForm() {
    }

    /** {@code true} when the message is in the short form. */
    static boolean isCompact(byte[] data) {
        return data.length > 0 && isCompactTag(data[0]);
    }

    /** Whether a message starting with this byte is in the short form. */
    static boolean isCompactTag(int first) {
        return first >= NULL && first <= MAX_TAG;
    }

    /** The short form of a value, or {@code null} when it has none (the caller uses Java serialization). */
    static byte[] encode(Object value) {
        Out out = new Out(16);
        if (writeSimple(out, value)) {
            return out.toByteArray();
        }
        LambdaClass lambda = LAMBDA_CLASSES.get(value.getClass());
        if (lambda == LambdaClass.NONE) {
            return null;
        }
        SerializedLambda form = lambda.replace(value);
        if (form == null) {
            return null;
        }
        byte[] shape = lambda.shape(form);
        out = new Out(shape.length + 32);
        out.write(LAMBDA);
        out.writeInt(shape.length);
        out.write(shape, 0, shape.length);
        int n = form.getCapturedArgCount();
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            if (!writeSimple(out, form.getCapturedArg(i))) {
                return null; // a captured value of another kind: Java serialization writes it all
            }
        }
        return out.toByteArray();
    }

    /** Reads a short-form message ({@link #isCompact}). */
    static Object decode(byte[] data, ClassLoader loader) throws IOException, ClassNotFoundException {
        In in = new In(data);
        Object value = read(in, loader);
        if (in.pos != data.length) {
            throw new StreamCorruptedException("short-form message has " + (data.length - in.pos) + " bytes left over");
        }
        return value;
    }

    private static Object read(In in, ClassLoader loader) throws IOException, ClassNotFoundException {
        int tag = in.u8();
        return switch (tag) {
            case NULL -> null;
            case INT -> in.int32();
            case LONG -> in.int64();
            case DOUBLE -> Double.longBitsToDouble(in.int64());
            case FLOAT -> Float.intBitsToFloat(in.int32());
            case SHORT -> (short) in.int32();
            case BYTE -> (byte) in.int32();
            case CHAR -> (char) in.int32();
            case BOOLEAN -> in.u8() != 0;
            case STRING -> in.string();
            case LAMBDA -> readLambda(in, loader);
            default -> throw new StreamCorruptedException("unknown short-form tag " + tag);
        };
    }

    private static Object readLambda(In in, ClassLoader loader) throws IOException, ClassNotFoundException {
        int shapeLength = in.int32();
        int shapeStart = in.pos;
        in.need(shapeLength);
        String capturingName = in.string();
        if (DeserializationFilter.isRejected(capturingName)) {
            throw new InvalidClassException(capturingName, "rejected by the deserialization filter");
        }
        Class<?> capturing = Class.forName(capturingName, false, loader);
        ConcurrentHashMap<String, Shape> shapes = SHAPES.get(capturing);
        String key = new String(in.data, shapeStart, shapeLength, StandardCharsets.ISO_8859_1);
        Shape shape = shapes.get(key);
        if (shape == null) {
            shape = Shape.parse(capturing, in);
            if (shapes.size() >= MAX_SHAPES_PER_CLASS) {
                shapes.clear();
            }
            shapes.put(key, shape);
        }
        in.pos = shapeStart + shapeLength;
        int n = in.int32();
        if (n < 0 || n > 255) { // a method has at most 255 parameters
            throw new StreamCorruptedException("a lambda with " + n + " captured values");
        }
        Object[] captured = new Object[n];
        for (int i = 0; i < n; i++) {
            if (in.peek() == LAMBDA) {
                throw new StreamCorruptedException("a captured lambda in the short form");
            }
            captured[i] = read(in, loader);
        }
        return shape.create(captured);
    }

    /** Writes a null, boxed primitive or String; {@code false} (nothing written) for anything else. */
    private static boolean writeSimple(Out out, Object v) {
        if (v == null) {
            out.write(NULL);
        } else if (v instanceof Integer i) {
            out.write(INT);
            out.writeInt(i);
        } else if (v instanceof Long l) {
            out.write(LONG);
            out.writeLong(l);
        } else if (v instanceof Double d) {
            out.write(DOUBLE);
            out.writeLong(Double.doubleToRawLongBits(d));
        } else if (v instanceof Float f) {
            out.write(FLOAT);
            out.writeInt(Float.floatToRawIntBits(f));
        } else if (v instanceof Short s) {
            out.write(SHORT);
            out.writeInt(s);
        } else if (v instanceof Byte b) {
            out.write(BYTE);
            out.writeInt(b);
        } else if (v instanceof Character c) {
            out.write(CHAR);
            out.writeInt(c);
        } else if (v instanceof Boolean b) {
            out.write(BOOLEAN);
            out.write(b ? 1 : 0);
        } else if (v instanceof String s) {
            out.write(STRING);
            out.writeString(s);
        } else {
            return false;
        }
        return true;
    }

    /** What the writer knows about one lambda class: its {@code writeReplace}, and its shape once seen. */
    private static final class LambdaClass {
        static final LambdaClass NONE = new LambdaClass(null);

        final Method writeReplace;
        /** The shape's bytes; written once (a race writes equal bytes). */
        private volatile byte[] shape;

        private LambdaClass(Method writeReplace) {
            this.writeReplace = writeReplace;
        }

        static LambdaClass of(Class<?> type) {
            if (!type.isSynthetic() || !type.getName().contains("$$Lambda")) {
                return NONE;
            }
            try {
                Method m = type.getDeclaredMethod("writeReplace");
                m.setAccessible(true);
                return new LambdaClass(m);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return NONE; // not a serializable lambda, or not reachable: the ordinary path
            }
        }

        /** The lambda's {@code SerializedLambda}, or {@code null} when it cannot be had. */
        SerializedLambda replace(Object lambda) {
            try {
                return writeReplace.invoke(lambda) instanceof SerializedLambda s ? s : null;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        /** The fixed part of every {@code SerializedLambda} of this class. */
        byte[] shape(SerializedLambda form) {
            byte[] bytes = shape;
            if (bytes == null) {
                Out out = new Out(256);
                out.writeString(form.getCapturingClass().replace('/', '.'));
                out.writeString(form.getFunctionalInterfaceClass());
                out.writeString(form.getFunctionalInterfaceMethodName());
                out.writeString(form.getFunctionalInterfaceMethodSignature());
                out.writeInt(form.getImplMethodKind());
                out.writeString(form.getImplClass());
                out.writeString(form.getImplMethodName());
                out.writeString(form.getImplMethodSignature());
                out.writeString(form.getInstantiatedMethodType());
                bytes = out.toByteArray();
                shape = bytes;
            }
            return bytes;
        }
    }

    /** A resolved lambda shape on the reading side: its strings and the capturing class's {@code $deserializeLambda$}. */
    private static final class Shape {
        private final Class<?> capturing;
        private final String functionalInterfaceClass;
        private final String functionalInterfaceMethodName;
        private final String functionalInterfaceMethodSignature;
        private final int implMethodKind;
        private final String implClass;
        private final String implMethodName;
        private final String implMethodSignature;
        private final String instantiatedMethodType;
        private final Method deserializeLambda;

        private Shape(Class<?> capturing, In in) throws IOException {
            this.capturing = capturing;
            this.functionalInterfaceClass = in.string();
            this.functionalInterfaceMethodName = in.string();
            this.functionalInterfaceMethodSignature = in.string();
            this.implMethodKind = in.int32();
            this.implClass = in.string();
            this.implMethodName = in.string();
            this.implMethodSignature = in.string();
            this.instantiatedMethodType = in.string();
            try {
                Method m = capturing.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
                m.setAccessible(true);
                this.deserializeLambda = m;
            } catch (ReflectiveOperationException | RuntimeException e) {
                InvalidObjectException failure = new InvalidObjectException(capturing.getName() + " declares no serializable lambda");
                failure.initCause(e);
                throw failure;
            }
        }

        /** Reads the rest of a shape whose capturing class was read and resolved. */
        static Shape parse(Class<?> capturing, In in) throws IOException {
            return new Shape(capturing, in);
        }

        /** A new lambda of this shape, rebuilt by the capturing class (which rejects shapes it does not declare). */
        Object create(Object[] captured) throws IOException {
            SerializedLambda form = new SerializedLambda(capturing, functionalInterfaceClass, functionalInterfaceMethodName,
                    functionalInterfaceMethodSignature, implMethodKind, implClass, implMethodName, implMethodSignature,
                    instantiatedMethodType, captured);
            try {
                return deserializeLambda.invoke(null, form);
            } catch (InvocationTargetException e) {
                InvalidObjectException failure = new InvalidObjectException("cannot rebuild a lambda of " + capturing.getName()
                        + ": " + e.getCause());
                failure.initCause(e.getCause());
                throw failure;
            } catch (ReflectiveOperationException | RuntimeException e) {
                InvalidObjectException failure = new InvalidObjectException("cannot rebuild a lambda of " + capturing.getName());
                failure.initCause(e);
                throw failure;
            }
        }
    }
}
