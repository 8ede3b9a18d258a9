package dev.loky;

import java.io.Serializable;

/** A {@link Runnable} that can be shipped to a worker JVM. */
@FunctionalInterface
public interface RemoteRunnable extends Runnable, Serializable {
}
