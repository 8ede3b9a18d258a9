package dev.loky;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a real pseudo-terminal by {@link TerminalProgressBarTest}: a map with the terminal bar
 * while the application logs, then a fail-fast map that fails. Prints what its own listener saw.
 */
public final class ProgressBarMain {

    private ProgressBarMain() {
    }

    /** An item's work: a pause, as a real item's computation would take. */
    static void nap(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add(i);
        }
        List<ProgressListener.Progress> seen = new CopyOnWriteArrayList<>();
        ProgressListener bar = ProgressListener.terminalBar("squares");
        ProgressListener both = new ProgressListener() {
            @Override
            public void onProgress(long completed, long total) {
            }

            @Override
            public void onProgress(Progress progress) {
                seen.add(progress);
                bar.onProgress(progress);
            }
        };
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("bar").maxWorkers(2).prestart(true).build())) {
            pool.map(x -> x, List.of(1, 2)); // workers up before the bars
            Thread logger = new Thread(() -> {
                try {
                    Thread.sleep(700);
                } catch (InterruptedException e) {
                    return;
                }
                System.err.println("LOG line from the app");
            });
            logger.start();
            List<Integer> squares = pool.map(x -> {
                nap(60);
                return x * x;
            }, items, MapOptions.defaults().chunkSize(20).progress(both));
            logger.join();
            ((AutoCloseable) bar).close(); // closed already by the map: a second close does nothing
            System.out.println("squares-sum=" + squares.stream().mapToInt(Integer::intValue).sum());
            try {
                pool.map(x -> {
                    nap(40);
                    if (x == 5) {
                        throw new IllegalStateException("item five");
                    }
                    return x;
                }, items, MapOptions.defaults().chunkSize(20).progress(ProgressListener.terminalBar("failing")));
            } catch (IllegalStateException e) {
                System.out.println("AFTER-FAILURE " + e.getMessage());
            }
            Thread.sleep(800); // a bar left open would redraw in this time
        }
        ProgressListener.Progress first = seen.get(0);
        long steps = seen.stream().mapToLong(ProgressListener.Progress::completed).distinct().count();
        System.out.println("first=" + first.completed() + "/" + first.total() + " steps=" + steps);
    }
}
