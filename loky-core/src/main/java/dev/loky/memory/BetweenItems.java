package dev.loky.memory;

import java.util.function.BooleanSupplier;

/**
 * Memory-leak protection between the items of one task (a {@code map} chunk runs many): the worker
 * installs its check here, and a chunk asks it after each item whether to stop and hand back what
 * it has, so that a worker keeping memory per item is recycled after about the threshold's worth of
 * growth rather than after the whole chunk. Outside a worker (or with protection off) it always
 * answers {@code false}.
 *
 * <p>Thread-safe: the check is installed once, before the worker runs a task.
 */
public final class BetweenItems {

    private static volatile BooleanSupplier check = () -> false;

    private BetweenItems() {
    }

    /** Installs the worker's check (the worker only). */
    public static void install(BooleanSupplier leakConfirmed) {
        check = leakConfirmed;
    }

    /** {@code true} when this worker now keeps more than the threshold over its reference: stop the chunk here. */
    public static boolean leakConfirmed() {
        return check.getAsBoolean();
    }
}
