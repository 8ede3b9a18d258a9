package dev.loky.internal.pool.map;

import dev.loky.LokyException;

import java.util.Arrays;

/**
 * Attached (suppressed) to a failed {@code map} item's exception: names the item's index in the
 * input (and its value, briefly, unless {@code MapOptions.describeItems(false)}) and carries the caller's frames, where the map was called, beside the worker's frames of
 * the exception itself.
 */
final class MapCallSite extends LokyException {

    private static final long serialVersionUID = 1L;

    /** How much of an item's {@code toString} a message shows. */
    static final int ITEM_TEXT_LIMIT = 80;

    MapCallSite(long index, long total, String item, StackTraceElement[] callerFrames) {
        super(name(index, item) + (total >= 0 ? " of " + total : "") + " of the map failed; the map was called here");
        setStackTrace(callerFrames);
    }

    /** {@code item 13} or {@code item 13 ("scan-0013.jpg")}. */
    static String name(long index, String item) {
        return "item " + index + (item == null ? "" : " (\"" + item + "\")");
    }

    /** The first {@value #ITEM_TEXT_LIMIT} characters of an item's {@code toString}, or {@code null} if it has none to give. */
    static String describe(Object item) {
        try {
            String text = String.valueOf(item);
            return text.length() > ITEM_TEXT_LIMIT ? text.substring(0, ITEM_TEXT_LIMIT) + "..." : text;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * The item's exception with a suppressed call site; where the exception refuses suppressed
     * exceptions (the JVM's own preallocated errors, an {@code OutOfMemoryError} for one), the call
     * site itself, caused by it.
     */
    static Throwable attach(Throwable error, long index, long total, StackTraceElement[] callerFrames, String item) {
        MapCallSite site = new MapCallSite(index, total, item, callerFrames);
        error.addSuppressed(site);
        if (Arrays.asList(error.getSuppressed()).contains(site)) {
            return error;
        }
        site.initCause(error);
        return site;
    }

    /** The caller's frames, from the first one outside this package. */
    static StackTraceElement[] callerFrames() {
        StackTraceElement[] frames = new Throwable().getStackTrace();
        int first = 0;
        while (first < frames.length - 1 && frames[first].getClassName().startsWith(MapCallSite.class.getPackageName() + ".")) {
            first++;
        }
        return Arrays.copyOfRange(frames, first, frames.length);
    }
}
