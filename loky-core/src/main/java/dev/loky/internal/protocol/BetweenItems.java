package dev.loky.internal.protocol;

/**
 * What a task that runs many items (a {@code map} chunk) tells its worker after each one, and the
 * worker's answer: the worker reports the chunk's progress to the parent (at most every
 * {@link #PROGRESS_INTERVAL_MILLIS}, as {@link FrameType#ITEM_PROGRESS}), so a person watching sees
 * a chunk of 39 items move in 39 steps, and it says whether to stop here because the worker now
 * keeps more memory than its leak threshold allows (the chunk then hands back what it ran). Outside
 * a worker (or before it installs its hook) it does nothing and answers {@code false}.
 *
 * <p>Thread-safe: the hook is installed once, before the worker runs a task.
 */
public final class BetweenItems {

    /** Progress frames for one running chunk are at least this far apart. */
    public static final long PROGRESS_INTERVAL_MILLIS = 100;

    /** The worker's side. */
    public interface Hook {
        /** An item of the running task finished: {@code ran} items so far, {@code failed} of them threw; {@code true} = stop. */
        boolean afterItem(int ran, int failed);
    }

    private static volatile Hook hook = (ran, failed) -> false;

    private BetweenItems() {
    }

    /** Installs the worker's hook (the worker only). */
    public static void install(Hook workerHook) {
        hook = workerHook;
    }

    /** After an item: {@code true} when the chunk should stop and hand back what it ran. */
    public static boolean afterItem(int ran, int failed) {
        return hook.afterItem(ran, failed);
    }
}
