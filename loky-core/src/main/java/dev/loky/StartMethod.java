package dev.loky;

/** How a pool runs its workers. */
public enum StartMethod {
    /** A fresh JVM per worker, started with {@link ProcessBuilder}: full isolation (the default). */
    SPAWN,
    /**
     * In-process threads: no isolation, no serialization. For unit tests of user code and for
     * I/O-bound work (mpire's {@code threading}). A crash here is the caller's crash.
     */
    THREADS
}
