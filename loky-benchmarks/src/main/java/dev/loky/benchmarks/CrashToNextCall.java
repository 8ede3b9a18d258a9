package dev.loky.benchmarks;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;

import java.util.Arrays;
import java.util.concurrent.CompletionException;

/**
 * Time from a worker crash (a task calls {@code Runtime.halt}) to the next call served: measured
 * from the moment the crashed call's future fails to the completion of a no-op submitted right
 * then. With one worker the next call waits for a replacement JVM; with two, the other (idle)
 * worker serves it while the crashed one is replaced, which is what {@code loky.worker.spares}
 * guarantees.
 *
 * <pre>java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.CrashToNextCall [rounds]</pre>
 */
public final class CrashToNextCall {

    private CrashToNextCall() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        for (int workers : new int[] {1, 2}) {
            double[] millis = new double[rounds];
            try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("crash-" + workers).maxWorkers(workers).build())) {
                pool.prestart();
                for (int i = 0; i < workers * 4; i++) {
                    pool.submit(() -> 1).join();
                }
                for (int round = 0; round < rounds; round++) {
                    // let replacements from the previous round become ready
                    while (pool.snapshot().liveWorkers() < workers) {
                        Thread.onSpinWait();
                    }
                    try {
                        pool.submit(() -> {
                            Runtime.getRuntime().halt(1);
                            return 0;
                        }).join();
                    } catch (CompletionException expected) {
                        // the crash
                    }
                    long start = System.nanoTime();
                    pool.submit(() -> 1).join();
                    millis[round] = (System.nanoTime() - start) / 1e6;
                }
            }
            Arrays.sort(millis);
            System.out.printf("maxWorkers=%d: crash to next served call, median %.1f ms, min %.1f ms, max %.1f ms (%d rounds, %s)%n",
                    workers, millis[rounds / 2], millis[0], millis[rounds - 1], rounds, Jvm.describe());
        }
    }
}
