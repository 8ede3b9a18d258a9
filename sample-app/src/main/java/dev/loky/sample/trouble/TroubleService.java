package dev.loky.sample.trouble;

import dev.loky.spring.ProcessAsync;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Methods that misbehave on purpose, each in a worker JVM: what would take the whole service down
 * if it ran in the web server's JVM costs one worker here, which the pool replaces.
 */
@Service
public class TroubleService {

    private static final Logger log = LoggerFactory.getLogger(TroubleService.class);

    /** What {@link #leak} keeps: lives as long as its worker JVM. */
    private static final List<byte[]> LEAKED = new ArrayList<>();

    /** {@code System.exit(code)} in the middle of a call. */
    @ProcessAsync
    public int exit(int code) {
        log.warn("worker {} calls System.exit({})", ProcessHandle.current().pid(), code);
        System.exit(code);
        return code;
    }

    /** A native crash: writes to address 0 through {@code sun.misc.Unsafe}; the JVM dies with SIGSEGV. */
    @ProcessAsync
    public int segfault() throws Exception {
        log.warn("worker {} writes to address 0", ProcessHandle.current().pid());
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field field = unsafeClass.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        unsafeClass.getMethod("putAddress", long.class, long.class).invoke(field.get(null), 0L, 0L);
        throw new IllegalStateException("writing to address 0 did not crash this JVM");
    }

    /** Keeps every array until the heap is gone: an {@code OutOfMemoryError} in the worker. */
    @ProcessAsync
    public int exhaustMemory() {
        List<long[]> hog = new ArrayList<>();
        while (true) {
            hog.add(new long[1 << 20]); // 8 MB at a time
        }
    }

    /** Runs past its timeout (spinning, ignoring interrupts): killed with its worker. */
    @ProcessAsync(timeout = "${sample.hang-timeout:2s}")
    public long hang(long seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        return spins;
    }

    /**
     * Keeps {@code megabytes} more in a static list on each call: memory-leak protection sees the
     * growth survive a GC and recycles the worker between tasks (reason {@code memory-leak}).
     */
    @ProcessAsync
    public LeakReport leak(int megabytes) {
        synchronized (LEAKED) {
            for (int i = 0; i < megabytes; i++) {
                LEAKED.add(new byte[1 << 20]);
            }
            return new LeakReport(ProcessHandle.current().pid(), LEAKED.size());
        }
    }

    /** Fire-and-forget that fails in the worker: logged by the exception handler, counted as uncaught. */
    @ProcessAsync
    public void failLater(String message) {
        throw new IllegalStateException(message);
    }

    /**
     * @param workerPid the worker that now holds the memory
     * @param retainedMegabytes what that worker retains in all
     */
    public record LeakReport(long workerPid, int retainedMegabytes) {
    }
}
