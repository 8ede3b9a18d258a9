package dev.loky.serialization;

import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The byte buffers of {@link CompactForm}'s messages: one message, one thread, no locks. */
final class CompactBytes {

    private CompactBytes() {
    }

    /** A growable big-endian byte buffer; unsynchronized (one message, one thread), unlike {@code ByteArrayOutputStream}. */
    static final class Out {
        private byte[] buf;
        private int count;

        Out(int size) {
            buf = new byte[size];
        }

        private void ensure(int extra) {
            if (count + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + extra));
            }
        }

        void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        void writeInt(int v) {
            ensure(4);
            buf[count] = (byte) (v >>> 24);
            buf[count + 1] = (byte) (v >>> 16);
            buf[count + 2] = (byte) (v >>> 8);
            buf[count + 3] = (byte) v;
            count += 4;
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void writeString(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            writeInt(bytes.length);
            write(bytes, 0, bytes.length);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }

    /** A bounds-checked big-endian reader over one message. */
    static final class In {
        final byte[] data;
        int pos;

        In(byte[] data) {
            this.data = data;
        }

        void need(int n) throws StreamCorruptedException {
            if (n < 0 || n > data.length - pos) {
                throw new StreamCorruptedException("short-form message truncated at byte " + pos);
            }
        }

        int peek() throws StreamCorruptedException {
            need(1);
            return data[pos] & 0xFF;
        }

        int u8() throws StreamCorruptedException {
            need(1);
            return data[pos++] & 0xFF;
        }

        int int32() throws StreamCorruptedException {
            need(4);
            int v = ((data[pos] & 0xFF) << 24) | ((data[pos + 1] & 0xFF) << 16) | ((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }

        long int64() throws StreamCorruptedException {
            return ((long) int32() << 32) | (int32() & 0xFFFFFFFFL);
        }

        String string() throws StreamCorruptedException {
            int n = int32();
            need(n);
            String s = new String(data, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }
    }
}
