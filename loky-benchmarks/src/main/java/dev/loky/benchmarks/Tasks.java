package dev.loky.benchmarks;

import dev.loky.PoolConfig;
import dev.loky.RemoteCallable;
import dev.loky.RemoteFunction;

/** The tasks and pool settings the benchmarks share. */
final class Tasks {

    /** A task that does nothing: the round trip is all that is measured. */
    static final RemoteCallable<Object> NOOP = () -> null;

    /** The small item function of the map benchmark. */
    static final RemoteFunction<Integer, Integer> INCREMENT = x -> x + 1;

    /** Work per CPU-bound task: roughly 50-150 ms on a current core. */
    static final long CPU_ITERATIONS = 50_000_000L;

    private Tasks() {
    }

    /** CPU-bound work that the JIT cannot remove: an xorshift walk whose end value is returned. */
    static long spin(long seed, long iterations) {
        long x = seed | 1;
        for (long i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /** The benchmarks' pool: default settings except its size and name. */
    static PoolConfig pool(int workers) {
        return PoolConfig.builder().maxWorkers(workers).name("bench").build();
    }
}
