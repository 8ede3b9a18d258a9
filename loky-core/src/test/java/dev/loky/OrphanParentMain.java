package dev.loky;

import java.util.Set;
import java.util.concurrent.CountDownLatch;

import dev.loky.support.PoolChecks;

/**
 * A parent JVM for {@link NoOrphanWorkersTest}: starts a pool of two workers, prints
 * {@code WORKERS <pid> <pid>}, then either blocks forever ({@code block}: the test SIGKILLs it) or
 * exits without closing the pool ({@code exit}: the shutdown hook must clean up).
 */
public final class OrphanParentMain {

    private OrphanParentMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "block";
        ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("orphan-parent").maxWorkers(2).build());
        Set<Long> pids = PoolChecks.runOnWorkers(pool, 2);
        StringBuilder line = new StringBuilder("WORKERS");
        pids.forEach(pid -> line.append(' ').append(pid));
        System.out.println(line);
        System.out.flush();
        if (mode.equals("exit")) {
            System.exit(0);
        }
        new CountDownLatch(1).await();
    }
}
