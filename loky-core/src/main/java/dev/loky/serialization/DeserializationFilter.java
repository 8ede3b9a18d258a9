package dev.loky.serialization;

import java.io.ObjectInputFilter;
import java.util.List;

/**
 * The {@link ObjectInputFilter} every Java-serialized message is read through. It admits classes
 * that the application's class loader can load (deserialization cannot resolve any other), rejects
 * the well-known deserialization gadget families outright, and bounds the graph (depth, references,
 * bytes) so that a hostile or runaway stream cannot exhaust memory.
 *
 * <p>Arrays are bounded by the bytes they would allocate, not their element count: a 27-byte
 * stream that claims {@code long[1 << 30]} must not make the reader allocate 8 GiB. When the
 * message's length is known ({@link #forMessage}), an array may claim no more elements than that
 * many bytes could encode; otherwise (a value streamed in chunks) at most
 * {@link #maxUnknownLengthArrayBytes()} bytes. The hashing work that nested collections cost while they
 * are read is bounded by {@link HashingBudget}. Immutable; one instance per message.
 */
public final class DeserializationFilter implements ObjectInputFilter {

    /** Largest serialized message accepted: 1 GiB. */
    public static final long MAX_BYTES = 1L << 30;
    /**
     * Deepest nesting accepted. Java serialization recurses per level, so graphs much deeper than
     * this overflow an ordinary thread stack anyway.
     */
    public static final long MAX_DEPTH = 1_000;
    /** Most object references accepted in one message. */
    public static final long MAX_REFERENCES = 50_000_000;

    /** Class-name prefixes of known gadget chains (ysoserial and friends). */
    private static final List<String> REJECTED_PREFIXES = List.of(
            "org.apache.commons.collections.functors.",
            "org.apache.commons.collections4.functors.",
            "org.apache.commons.beanutils.BeanComparator",
            "org.codehaus.groovy.runtime.",
            "org.apache.xalan.xsltc.trax.",
            "com.sun.org.apache.xalan.internal.xsltc.trax.",
            "com.sun.rowset.JdbcRowSetImpl",
            "javax.management.BadAttributeValueExpException",
            "com.sun.jndi.",
            "sun.rmi.",
            "java.rmi.server.UnicastRemoteObject",
            "java.rmi.server.RemoteObjectInvocationHandler",
            "org.springframework.beans.factory.ObjectFactory",
            "org.springframework.core.SerializableTypeWrapper",
            "org.springframework.aop.framework.JdkDynamicAopProxy",
            "com.mchange.v2.c3p0.",
            "org.hibernate.engine.spi.TypedValue",
            "org.python.core.",
            "bsh.",
            "clojure.",
            "net.sf.json.",
            "com.mysql.cj.jdbc.");

    /** For a message of unknown length (a streamed value). */
    public static final DeserializationFilter INSTANCE = new DeserializationFilter(-1);

    /** The message's length in bytes, or {@code -1} when unknown. */
    private final long messageBytes;

    private DeserializationFilter(long messageBytes) {
        this.messageBytes = messageBytes;
    }

    /** The filter for a message of {@code bytes} bytes. */
    public static DeserializationFilter forMessage(long bytes) {
        return new DeserializationFilter(bytes);
    }

    /**
     * The most bytes one array of a message of unknown length may allocate: 1 GiB, and in a
     * caller's JVM (reading what a worker sent, which may be hostile) at most half its heap. A
     * worker reads only what its parent sent: there an argument too big for its heap is its
     * {@code OutOfMemoryError}, which replaces the worker.
     */
    public static long maxUnknownLengthArrayBytes() {
        if (Boolean.getBoolean("loky.worker.process")) {
            return MAX_BYTES;
        }
        return Math.min(MAX_BYTES, Runtime.getRuntime().maxMemory() / 2);
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (info.depth() > MAX_DEPTH || info.references() > MAX_REFERENCES || info.streamBytes() > MAX_BYTES) {
            return Status.REJECTED;
        }
        Class<?> type = info.serialClass();
        if (type != null && type.isArray() && info.arrayLength() >= 0 && !arrayFits(type.getComponentType(), info.arrayLength())) {
            return Status.REJECTED;
        }
        if (type != null) {
            while (type.isArray()) {
                type = type.getComponentType();
            }
            if (isRejected(type.getName())) {
                return Status.REJECTED;
            }
        }
        return Status.UNDECIDED;
    }

    /**
     * Whether an array of {@code length} elements of {@code component} can be what the message
     * holds: its elements need at least {@code encoded} bytes of the message each; it allocates
     * {@code allocated} bytes each.
     */
    private boolean arrayFits(Class<?> component, long length) {
        long encoded = component.isPrimitive() ? primitiveBytes(component) : 1;
        long allocated = component.isPrimitive() ? primitiveBytes(component) : 8;
        if (messageBytes >= 0) {
            return length <= messageBytes / encoded;
        }
        return length <= maxUnknownLengthArrayBytes() / allocated;
    }

    private static long primitiveBytes(Class<?> primitive) {
        if (primitive == long.class || primitive == double.class) {
            return 8;
        }
        if (primitive == int.class || primitive == float.class) {
            return 4;
        }
        if (primitive == short.class || primitive == char.class) {
            return 2;
        }
        return 1;
    }

    /** {@code true} for a class name in a known gadget family. */
    public static boolean isRejected(String className) {
        for (String prefix : REJECTED_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
