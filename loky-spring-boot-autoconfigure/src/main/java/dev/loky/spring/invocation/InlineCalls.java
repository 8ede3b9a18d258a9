package dev.loky.spring.invocation;

/**
 * Marks the threads that are running a {@code @ProcessAsync} call's body, so that a nested
 * {@code @ProcessAsync} call made from there runs inline instead of going back to the pool (no
 * pool re-entry, no fork bomb, no deadlock of a full pool waiting on itself).
 */
final class InlineCalls {

    private static final ThreadLocal<Integer> DEPTH = new ThreadLocal<>();

    private InlineCalls() {
    }

    /** {@code true} while this thread runs a call's body. */
    public static boolean active() {
        return DEPTH.get() != null;
    }

    static void enter() {
        Integer depth = DEPTH.get();
        DEPTH.set(depth == null ? 1 : depth + 1);
    }

    static void exit() {
        Integer depth = DEPTH.get();
        if (depth == null || depth <= 1) {
            DEPTH.remove();
        } else {
            DEPTH.set(depth - 1);
        }
    }
}
