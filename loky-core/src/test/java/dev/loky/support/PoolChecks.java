package dev.loky.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.loky.ProcessExecutor;

/** Checks that a pool still works, used after every failure. */
public final class PoolChecks {

    private PoolChecks() {
    }

    /** The pool runs a brand-new task successfully; returns the pid that ran it. */
    public static long assertRunsNewTask(ProcessExecutor pool) {
        int a = 6;
        int b = 7;
        assertThat(Futures.value(pool.submit(() -> a * b))).isEqualTo(42);
        return Futures.value(pool.submit(Tasks::pid));
    }

    /**
     * Runs {@code n} tasks that can only finish together, so they prove {@code n} workers at once;
     * returns their pids (which must be distinct).
     */
    public static Set<Long> runOnWorkers(ProcessExecutor pool, int n) {
        String dir;
        try {
            dir = Files.createTempDirectory("loky-rendezvous").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(() -> Tasks.rendezvous(dir, n)));
        }
        Set<Long> pids = new HashSet<>();
        for (CompletableFuture<Long> f : futures) {
            pids.add(Futures.value(f));
        }
        assertThat(pids).as("pids of %s tasks that had to run at the same time", n).hasSize(n);
        deleteQuietly(Path.of(dir));
        return pids;
    }

    public static long crashes(ProcessExecutor pool) {
        return pool.snapshot().counters().crashes();
    }

    static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // temp files; not worth failing a test over
        }
    }
}
