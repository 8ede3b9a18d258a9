package dev.loky.spring.actuate.it;

import dev.loky.spring.ProcessAsync;

import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code @ProcessAsync} methods that leak, make garbage, sleep and fail, for the Actuator tests. */
@Service
public class MemoryService {

    private static final int MB = 1024 * 1024;

    /** What {@link #leak(int)} keeps, in the worker JVM. */
    private static final List<byte[]> RETAINED = new ArrayList<>();

    private static volatile long sink;

    /** Keeps {@code megabytes} for good in a static list; returns the worker's pid. */
    @ProcessAsync
    public long leak(int megabytes) {
        byte[] kept = new byte[megabytes * MB];
        for (int i = 0; i < kept.length; i += 4096) {
            kept[i] = 1; // touch every page
        }
        synchronized (RETAINED) {
            RETAINED.add(kept);
        }
        return ProcessHandle.current().pid();
    }

    /** Allocates {@code megabytes} of short-lived garbage, 1 MB at a time, and keeps nothing; returns the worker's pid. */
    @ProcessAsync
    public long garbage(int megabytes) {
        long sum = 0;
        for (int i = 0; i < megabytes; i++) {
            byte[] chunk = new byte[MB];
            chunk[i % MB] = (byte) i;
            sum += chunk[(i * 31) % MB] + chunk.length;
        }
        sink = sum;
        return ProcessHandle.current().pid();
    }

    @ProcessAsync
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @ProcessAsync
    public CompletableFuture<Long> sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return CompletableFuture.completedFuture(ProcessHandle.current().pid());
    }

    /** Fire-and-forget: its failure goes to the exception handler and is counted. */
    @ProcessAsync
    public void failLater(String message) {
        throw new IllegalStateException(message);
    }
}
