package dev.loky;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A plain-Java parent for {@link JvmExitTest}: one worker runs a slow {@code map}; the test signals
 * this JVM while it runs. Prints {@code WORKER <pid>}, {@code PROGRESS <n>} lines and, when the map
 * fails, one {@code MAP FAILED} line with the exception and its causes. With argument
 * {@code survive} it ignores SIGINT itself and prints {@code MAP DONE <worker pid>} at the end.
 */
public final class JvmExitMapMain {

    private JvmExitMapMain() {
    }

    private static Integer slowly(Integer i) {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return i;
    }

    public static void main(String[] args) throws Exception {
        boolean survive = args.length > 0 && args[0].equals("survive");
        if (survive) {
            // this parent lives through Ctrl-C (as a Spring application drains through it): its map must too
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
                System.out.println("PARENT GOT SIGINT");
                System.out.flush();
            });
        }
        CountDownLatch reported = new CountDownLatch(1);
        // lets this JVM live until main has printed how the map ended (loky's hook fails it)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                reported.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("jvm-exit").maxWorkers(1).build());
        long worker = pool.submit(() -> ProcessHandle.current().pid()).join();
        System.out.println("WORKER " + worker);
        System.out.flush();
        List<Integer> items = IntStream.range(0, survive ? 30 : 200).boxed().toList();
        try {
            pool.map(JvmExitMapMain::slowly, items, MapOptions.defaults().chunkSize(1).progress((done, total) -> {
                System.out.println("PROGRESS " + done);
                System.out.flush();
            }));
            System.out.println("MAP DONE " + pool.submit(() -> ProcessHandle.current().pid()).join());
        } catch (Throwable e) {
            StringBuilder line = new StringBuilder("MAP FAILED");
            for (Throwable t = e; t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            System.out.println(line);
        } finally {
            System.out.flush();
            reported.countDown();
        }
    }
}
