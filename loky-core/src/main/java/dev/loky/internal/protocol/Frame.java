package dev.loky.internal.protocol;

/**
 * One message on a worker channel.
 *
 * @param type what it is
 * @param id the task id it concerns, or 0
 * @param payload its bytes, never {@code null}
 */
public record Frame(FrameType type, long id, byte[] payload) {

    private static final byte[] EMPTY = new byte[0];

    public static Frame of(FrameType type, long id) {
        return new Frame(type, id, EMPTY);
    }
}
