package dev.loky.benchmarks;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * The child side of the pipe floor: reads 8-byte messages from stdin and writes each straight back
 * to stdout, until stdin ends. No buffering, no framing, no serialization: the cheapest round trip
 * two JVMs can make over a pair of pipes.
 */
public final class PipeEcho {

    /** Size of one ping and one pong. */
    public static final int MESSAGE_BYTES = 8;

    private PipeEcho() {
    }

    public static void main(String[] args) throws IOException {
        FileInputStream in = new FileInputStream(FileDescriptor.in);
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        byte[] message = new byte[MESSAGE_BYTES];
        while (readFully(in, message)) {
            out.write(message);
        }
    }

    /** {@code false} at end of stream. */
    static boolean readFully(java.io.InputStream in, byte[] buffer) throws IOException {
        int read = 0;
        while (read < buffer.length) {
            int n = in.read(buffer, read, buffer.length - read);
            if (n < 0) {
                return false;
            }
            read += n;
        }
        return true;
    }
}
