package dev.loky;

import java.util.List;

/**
 * Run by the build itself with {@code mvn exec:java} (loky-core's pom, phase integration-test):
 * Maven's JVM, whose {@code java.class.path} holds only Maven's launcher, runs this program in a
 * class loader of the plugin's. Before, its workers got Maven's class path and failed 8–9 times
 * over 15–25 s with "Could not find or load main class dev.loky.internal.worker.WorkerMain". Exits the
 * build with an error unless tasks and a map run in real workers.
 */
public final class ExecJavaMain {

    private ExecJavaMain() {
    }

    public static void main(String[] args) throws Exception {
        long self = ProcessHandle.current().pid();
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("exec-java").maxWorkers(2).build())) {
            long worker = pool.submit(() -> ProcessHandle.current().pid()).get();
            List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3, 4));
            if (worker == self || !squares.equals(List.of(1, 4, 9, 16))) {
                throw new IllegalStateException("exec:java: worker pid " + worker + " (caller " + self + "), map " + squares);
            }
            System.out.println("exec:java: tasks ran in worker " + worker + " (caller " + self + "), map " + squares
                    + "; java.class.path was " + System.getProperty("java.class.path"));
        }
    }
}
