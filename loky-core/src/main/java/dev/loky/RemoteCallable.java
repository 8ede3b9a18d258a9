package dev.loky;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A {@link Callable} that can be shipped to a worker JVM: a lambda typed with this interface is
 * serializable, together with the values it captures. Both JVMs share the classpath.
 */
@FunctionalInterface
public interface RemoteCallable<T> extends Callable<T>, Serializable {
}
