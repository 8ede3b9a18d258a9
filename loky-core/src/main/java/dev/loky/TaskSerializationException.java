package dev.loky;

/**
 * A value could not travel between the caller and the worker. {@link #side()} says which value
 * (the argument, i.e. the task and what it captured, or the result) failed, and in which JVM.
 * Only the call it belongs to fails; the pool and the worker are kept.
 */
public class TaskSerializationException extends LokyException {

    private static final long serialVersionUID = 1L;

    /** Which value failed to travel, and where. */
    public enum Side {
        /** The task or its arguments could not be written in the caller's JVM. */
        ARGUMENT_IN_PARENT("argument", "serialized in the parent"),
        /** The task or its arguments could not be read in the worker. */
        ARGUMENT_IN_WORKER("argument", "deserialized in the worker"),
        /** The result could not be written in the worker. */
        RESULT_IN_WORKER("result", "serialized in the worker"),
        /** The result could not be read in the caller's JVM. */
        RESULT_IN_PARENT("result", "deserialized in the parent");

        private final String value;
        private final String where;

        Side(String value, String where) {
            this.value = value;
            this.where = where;
        }

        /** A phrase such as "result could not be serialized in the worker". */
        public String describe() {
            return value + " could not be " + where;
        }
    }

    private final Side side;

    public TaskSerializationException(Side side, String message, Throwable cause) {
        super(message, cause);
        this.side = side;
    }

    /** Which value failed, and in which JVM. */
    public Side side() {
        return side;
    }
}
