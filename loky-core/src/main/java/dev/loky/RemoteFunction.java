package dev.loky;

import java.io.Serializable;
import java.util.function.Function;

/** A {@link Function} that can be shipped to a worker JVM, e.g. for {@link ProcessExecutor#map}. */
@FunctionalInterface
public interface RemoteFunction<T, R> extends Function<T, R>, Serializable {
}
