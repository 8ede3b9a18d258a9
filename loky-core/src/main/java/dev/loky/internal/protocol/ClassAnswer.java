package dev.loky.internal.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The parent's answer to a worker's {@link FrameType#CLASS_REQUEST}: the class file's bytes, or why
 * it has none (then the worker fails the call naming the class, the loaders asked and its class path).
 *
 * @param bytes the class file, or {@code null}
 * @param statics the serialized values of its static fields, for a jshell class whose fields are
 *        the REPL's variables (a {@code Map<String, byte[]>} serialized), or an empty array
 * @param missing why there are no bytes, or {@code null}
 */
public record ClassAnswer(byte[] bytes, byte[] statics, String missing) {

    public static ClassAnswer of(byte[] bytes, byte[] statics) {
        return new ClassAnswer(bytes, statics, null);
    }

    public static ClassAnswer missing(String why) {
        return new ClassAnswer(null, new byte[0], why);
    }

    /** 1, the class file's length, the class file, the statics; or 0 and the reason in UTF-8. */
    public byte[] encode() {
        if (bytes == null) {
            byte[] why = missing.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + why.length).put((byte) 0).put(why).array();
        }
        return ByteBuffer.allocate(1 + 4 + bytes.length + statics.length).put((byte) 1).putInt(bytes.length).put(bytes)
                .put(statics).array();
    }

    public static ClassAnswer decode(byte[] payload) {
        if (payload.length == 0) {
            return missing("the parent sent an empty answer");
        }
        ByteBuffer b = ByteBuffer.wrap(payload, 1, payload.length - 1);
        if (payload[0] != 1) {
            return missing(new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8));
        }
        int length = b.getInt();
        if (length < 0 || length > b.remaining()) {
            return missing("the parent sent a malformed answer");
        }
        byte[] classFile = new byte[length];
        b.get(classFile);
        byte[] statics = new byte[b.remaining()];
        b.get(statics);
        return of(classFile, statics);
    }
}
