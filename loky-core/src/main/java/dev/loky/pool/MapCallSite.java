package dev.loky.pool;

import dev.loky.LokyException;

/**
 * Attached (suppressed) to a failed {@code map} item's exception: names the item's index in the
 * input and carries the caller's frames, where the map was called, beside the worker's frames of
 * the exception itself.
 */
final class MapCallSite extends LokyException {

    private static final long serialVersionUID = 1L;

    MapCallSite(long index, long total, StackTraceElement[] callerFrames) {
        super("item " + index + (total >= 0 ? " of " + total : "") + " of the map failed; the map was called here");
        setStackTrace(callerFrames);
    }
}
