package dev.loky.internal.worker;

/**
 * How a worker JVM ends: the one way out of {@link WorkerLoop} and its threads, so that a test can
 * run the loop in its own JVM and see how the worker would have ended. Neither method returns.
 */
interface WorkerExit {

    /** Ends the JVM, running its shutdown hooks: a {@code SHUTDOWN} from the parent, a failed initializer. */
    void exit(int status);

    /** Ends it at once: the parent is gone, the channel is broken, or the worker ran out of memory. */
    void halt(int status);

    /** The real one: {@link System#exit} and {@link Runtime#halt}. */
    WorkerExit JVM = new WorkerExit() {
        @Override
        public void exit(int status) {
            System.exit(status);
        }

        @Override
        public void halt(int status) {
            Runtime.getRuntime().halt(status);
        }
    };
}
