package dev.loky.serialization;

import java.io.ObjectInputFilter;
import java.util.List;

/**
 * The {@link ObjectInputFilter} every Java-serialized message is read through. It admits classes
 * that the application's class loader can load (deserialization cannot resolve any other), rejects
 * the well-known deserialization gadget families outright, and bounds the graph (depth, references,
 * bytes) so that a hostile or runaway stream cannot exhaust memory.
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

    public static final DeserializationFilter INSTANCE = new DeserializationFilter();

    private DeserializationFilter() {
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (info.depth() > MAX_DEPTH || info.references() > MAX_REFERENCES || info.streamBytes() > MAX_BYTES
                || info.arrayLength() > MAX_BYTES) {
            return Status.REJECTED;
        }
        Class<?> type = info.serialClass();
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
