package dev.loky.internal.protocol;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/** Run inside a worker by tests: writes hand-made frames straight to the channel (file descriptor 1). */
public final class HostileFrames {

    private HostileFrames() {
    }

    /** A valid RESULT header (magic, CRC) for task {@code id} that claims {@code length} bytes, then none of them. */
    public static long claim(long id, int length) throws IOException {
        byte[] header = new byte[FrameCodec.HEADER_BYTES];
        FrameCodec.writeHeader(header, FrameType.RESULT, id, length);
        @SuppressWarnings("resource") // closing would close fd 1
        FileOutputStream fd1 = new FileOutputStream(FileDescriptor.out);
        fd1.write(header);
        fd1.flush();
        return length;
    }
}
