package dev.loky.benchmarks;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * (h) Idle worker RSS: a pool of 2 runs a few hundred no-op tasks and a small {@code map}, goes
 * idle, and after {@value #SETTLE_MILLIS} ms the resident set of each worker process is read from
 * {@code /proc/<pid>/status} (VmRSS), the pids coming from {@link ProcessExecutor#snapshot()}.
 *
 * <pre>java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.IdleRss</pre>
 */
public final class IdleRss {

    static final long SETTLE_MILLIS = 2_000;

    /** One worker: pid, VmRSS, and the JVM arguments it was started with. */
    record Worker(long pid, long rssBytes, long snapshotRssBytes, String jvmArgs) {
    }

    private IdleRss() {
    }

    public static void main(String[] args) throws Exception {
        // Optional: extra worker JVM arguments, to compare defaults (e.g. "-Xms16m -XX:NewRatio=2").
        for (Worker worker : measure(args.length > 0 ? List.of(args[0].trim().split("\\s+")) : List.of())) {
            System.out.printf("worker pid %d: VmRSS %.1f MiB (snapshot says %.1f MiB); JVM args: %s%n", worker.pid(),
                    worker.rssBytes() / 1048576.0, worker.snapshotRssBytes() / 1048576.0, worker.jvmArgs());
        }
    }

    static List<Worker> measure() throws Exception {
        return measure(List.of());
    }

    static List<Worker> measure(List<String> extraJvmArgs) throws Exception {
        try (ProcessExecutor pool = ProcessExecutors.create(Tasks.pool(2).toBuilder().jvmArgs(extraJvmArgs).prestart(true).build())) {
            List<CompletableFuture<Object>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                futures.add(pool.submit(Tasks.NOOP));
            }
            futures.forEach(CompletableFuture::join);
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                items.add(i);
            }
            pool.map(Tasks.INCREMENT, items);
            LockSupport.parkNanos(SETTLE_MILLIS * 1_000_000);

            PoolSnapshot snapshot = pool.snapshot();
            List<Worker> workers = new ArrayList<>();
            for (PoolSnapshot.Worker w : snapshot.workers()) {
                if (w.pid() <= 0) {
                    continue;
                }
                String jvmArgs = ProcessHandle.of(w.pid())
                        .flatMap(p -> p.info().arguments())
                        .map(IdleRss::jvmOptions)
                        .orElse("?");
                workers.add(new Worker(w.pid(), Jvm.rssBytes(w.pid()), w.rssBytes(), jvmArgs));
            }
            return workers;
        }
    }

    /** The arguments before the classpath and main class, i.e. the JVM options. */
    private static String jvmOptions(String[] arguments) {
        List<String> options = new ArrayList<>();
        for (String argument : arguments) {
            if (argument.equals("-cp") || argument.equals("-classpath") || argument.equals("--class-path")
                    || !argument.startsWith("-")) {
                break;
            }
            options.add(argument);
        }
        return String.join(" ", options);
    }
}
