package dev.loky.support;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * Code that runs inside workers. Every lambda a test ships calls one of these static methods and
 * captures only plain values (strings, numbers, arrays), never the test instance.
 */
public final class Tasks {

    /** The system property that the worker JVM sets to {@code "true"} (per the worker contract). */
    public static final String WORKER_PROPERTY = "loky.worker.process";

    /** Upper bound for anything a task waits for, so that a broken test never leaves a worker behind forever. */
    private static final long MAX_WAIT_NANOS = TimeUnit.MINUTES.toNanos(3);

    private Tasks() {
    }

    public static long pid() {
        return ProcessHandle.current().pid();
    }

    public static boolean inWorker() {
        return "true".equals(System.getProperty(WORKER_PROPERTY));
    }

    /** Announces this process's pid in {@code startedFile} (atomically). */
    public static long announce(String startedFile) throws IOException {
        long pid = pid();
        Path target = Path.of(startedFile);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, Long.toString(pid));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return pid;
    }

    /**
     * Announces its pid, then blocks (interruptibly) until {@code releaseFile} exists; returns the
     * pid. The polling sleep is the task's "work", not a test waiting for a condition.
     */
    public static long holdUntil(String startedFile, String releaseFile) throws Exception {
        long pid = announce(startedFile);
        long deadline = System.nanoTime() + MAX_WAIT_NANOS;
        Path release = Path.of(releaseFile);
        while (!Files.exists(release)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("never released: " + releaseFile);
            }
            Thread.sleep(5);
        }
        return pid;
    }

    /** {@link #holdUntil} for functions, which cannot throw checked exceptions. */
    public static long holdUnchecked(String startedFile, String releaseFile) {
        try {
            return holdUntil(startedFile, releaseFile);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Announces its pid, then spins without ever honouring an interrupt (bounded for safety). */
    public static long spinIgnoringInterrupts(String startedFile) throws IOException {
        long pid = announce(startedFile);
        long deadline = System.nanoTime() + MAX_WAIT_NANOS;
        long spins = 0;
        while (System.nanoTime() < deadline) {
            Thread.interrupted(); // swallow every interrupt
            spins++;
            Thread.onSpinWait();
        }
        return spins == Long.MIN_VALUE ? -1 : pid;
    }

    /**
     * Every task in a group announces itself in {@code dir} and waits until {@code parties} have
     * announced: the group can only complete if it runs on {@code parties} different workers at once.
     */
    public static long rendezvous(String dir, int parties) throws Exception {
        long pid = pid();
        Files.writeString(Path.of(dir, pid + "-" + System.nanoTime()), Long.toString(pid));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (var files = Files.list(Path.of(dir))) {
                if (files.count() >= parties) {
                    return pid;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("rendezvous of " + parties + " never completed in " + dir);
            }
            Thread.sleep(5);
        }
    }

    public static <T> T throwIllegalState(String message) {
        throw new IllegalStateException(message, new IOException("root cause of " + message));
    }

    public static <T> T throwCustom(String message, int code) throws CustomTaskException {
        throw new CustomTaskException(message, code);
    }

    public static <T> T throwUnserializable(String message) {
        throw new UnserializableException(message);
    }

    public static <T> T exit(int code) {
        System.err.println("last words of " + pid() + ": exiting with " + code);
        System.err.flush();
        System.exit(code);
        throw new AssertionError("System.exit returned");
    }

    public static <T> T halt(int code) {
        Runtime.getRuntime().halt(code);
        throw new AssertionError("halt returned");
    }

    /** Writes to address 0 through {@code sun.misc.Unsafe}: the JVM dies with SIGSEGV. */
    public static <T> T segfault() throws Exception {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field field = unsafeClass.getDeclaredField("theUnsafe");
        field.setAccessible(true);
        Object unsafe = field.get(null);
        unsafeClass.getMethod("putAddress", long.class, long.class).invoke(unsafe, 0L, 0L);
        throw new AssertionError("writing to address 0 did not crash");
    }

    /**
     * Retains 1 MiB arrays until the heap is exhausted. Gives up after {@code maxBytes} (returning a
     * description) so that a worker without the expected small heap cannot eat the machine.
     */
    public static String exhaustHeap(long maxBytes) {
        List<byte[]> hoard = new ArrayList<>();
        long total = 0;
        while (total < maxBytes) {
            hoard.add(new byte[1 << 20]);
            total += 1 << 20;
        }
        return "no OutOfMemoryError after retaining " + hoard.size() + " MiB; maxMemory=" + Runtime.getRuntime().maxMemory();
    }

    /** Prints {@code bytes} of text through {@code System.out}; returns how many characters it printed. */
    public static long floodStdout(long bytes) {
        String line = "x".repeat(99);
        long printed = 0;
        while (printed < bytes) {
            System.out.println(line);
            printed += 100;
        }
        System.out.print("{\"not\":\"a frame\"}\n\0\0\0\7garbage");
        System.out.flush();
        return printed;
    }

    /** Prints {@code bytes} of text through {@code System.err}. */
    public static long floodStderr(long bytes) {
        String line = "e".repeat(99);
        long printed = 0;
        while (printed < bytes) {
            System.err.println(line);
            printed += 100;
        }
        System.err.flush();
        return printed;
    }

    /** Writes raw bytes (text and binary) straight to file descriptor 1, around System.out. */
    public static long writeRawToFd1(int bytes) throws IOException {
        byte[] data = new byte[bytes];
        new Random(7).nextBytes(data);
        @SuppressWarnings("resource") // closing would close fd 1
        FileOutputStream fd1 = new FileOutputStream(FileDescriptor.out);
        fd1.write("raw text on fd 1\n".getBytes(StandardCharsets.US_ASCII));
        fd1.write(data);
        fd1.flush();
        @SuppressWarnings("resource")
        PrintStream ps = new PrintStream(fd1, true, StandardCharsets.UTF_8);
        ps.println("more raw text on fd 1");
        return bytes;
    }

    /** Writes {@code bytes} to stderr with no newline at all, then one marker line. */
    public static long longStderrLine(long bytes, String marker) {
        byte[] block = "z".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
        for (long written = 0; written < bytes; written += block.length) {
            System.err.write(block, 0, block.length);
        }
        System.err.println();
        System.err.println(marker);
        System.err.flush();
        return bytes;
    }

    /** Reads {@code System.in}: in a worker it must be empty, never the parent's channel. */
    public static int readStdin() throws IOException {
        return System.in.read(new byte[1024]);
    }

    /** A linked chain {@code depth} objects deep, for the deserialization filter's depth limit. */
    public static Node chain(int depth) {
        Node head = null;
        for (int i = 0; i < depth; i++) {
            head = new Node(head);
        }
        return head;
    }

    public static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Node next;

        public Node(Node next) {
            this.next = next;
        }

        public int length() {
            int n = 0;
            for (Node x = this; x != null; x = x.next) {
                n++;
            }
            return n;
        }
    }

    // ---------------------------------------------------------------- memory

    private static final List<byte[]> RETAINED = new ArrayList<>();

    /** {@link #leak}'s blocks: a quarter MiB, under G1's humongous size (half a region, 512 KiB with the default heap). */
    private static final int LEAK_BLOCK = 1 << 18;

    /**
     * Retains {@code mebibytes} more MiB in this JVM for good: a leak. Returns the pid. In blocks of
     * a quarter MiB: under G1 (the workers' default collector) an array of half a region or more
     * takes whole regions, so a 1 MiB array (1 MiB and its header) holds 2 MiB of heap, and a leak
     * of such arrays is, truly, twice the heap; these blocks take what they hold under every collector.
     */
    public static synchronized long leak(int mebibytes) {
        for (int i = 0; i < mebibytes * ((1 << 20) / LEAK_BLOCK); i++) {
            byte[] block = new byte[LEAK_BLOCK];
            block[i % block.length] = 1;
            RETAINED.add(block);
        }
        return pid();
    }

    /** The MiB {@link #leak} retains in this JVM so far. */
    public static synchronized int leakedMebibytes() {
        return RETAINED.size() / ((1 << 20) / LEAK_BLOCK);
    }

    private static final List<java.nio.ByteBuffer> RETAINED_NATIVE = new ArrayList<>();

    /** Retains {@code mebibytes} more MiB of direct (native) memory for good, touched. Returns the pid. */
    public static synchronized long leakNative(int mebibytes) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(mebibytes << 20);
        for (int i = 0; i < buffer.capacity(); i += 4096) {
            buffer.put(i, (byte) 1);
        }
        RETAINED_NATIVE.add(buffer);
        return pid();
    }

    /** Allocates {@code mebibytes} MiB of garbage and keeps none of it. Returns the pid. */
    public static long garbage(int mebibytes) {
        long sum = 0;
        for (int i = 0; i < mebibytes; i++) {
            byte[] block = new byte[1 << 20];
            block[i % block.length] = (byte) i;
            sum += block[i % block.length];
        }
        return sum == Long.MIN_VALUE ? -1 : pid();
    }

    /** A transformed copy of {@code data} (each byte inverted): a task that takes and returns a big payload. */
    public static byte[] invert(byte[] data) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) ~data[i];
        }
        return out;
    }

    /**
     * Thumbnail-like work with ImageIO's codecs (native JPEG code, zlib for PNG): draws a
     * {@code size}x{@code size} image, encodes it as JPEG and PNG, decodes both and scales them down.
     * Keeps nothing. Returns the pid.
     */
    public static long imageWork(int size, long seed) throws java.io.IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(size, size, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            g.setColor(new java.awt.Color(random.nextInt(0xFFFFFF)));
            g.fillOval(random.nextInt(size), random.nextInt(size), 1 + random.nextInt(size / 2), 1 + random.nextInt(size / 2));
        }
        g.dispose();
        long sum = 0;
        for (String format : new String[] {"jpg", "png"}) {
            java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(image, format, encoded);
            java.awt.image.BufferedImage decoded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(encoded.toByteArray()));
            java.awt.image.BufferedImage thumb = new java.awt.image.BufferedImage(size / 8, size / 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D t = thumb.createGraphics();
            t.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            t.drawImage(decoded, 0, 0, size / 8, size / 8, null);
            t.dispose();
            sum += thumb.getRGB(0, 0);
        }
        return sum == Long.MIN_VALUE ? -1 : pid();
    }

    public static long crc32(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    public static byte[] pattern(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** An argument that runs its worker out of heap while it is being deserialized there. */
    public static final class ExhaustsHeapWhenRead implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(java.io.ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            if (inWorker()) {
                exhaustHeap(2L << 30);
            }
        }
    }

    /** Used as a pool initializer: counts its own runs in a system property. */
    public static void countInitialization() {
        int count = Integer.parseInt(System.getProperty("loky.test.initCount", "0"));
        System.setProperty("loky.test.initCount", Integer.toString(count + 1));
        System.setProperty("loky.test.initializedBy", Long.toString(pid()));
    }

    public static void failInitialization() {
        throw new IllegalStateException("initializer exploded on purpose");
    }

    public static void slowInitialization(long millis) {
        try {
            Thread.sleep(millis); // simulates an expensive worker start-up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- values that misbehave

    /** Not serializable at all. */
    public static final class NotSerializableThing {
        @Override
        public String toString() {
            return "NotSerializableThing";
        }
    }

    /** Serializable, but refuses to be read inside a worker JVM. */
    public static final class PoisonedInWorker implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String value;

        public PoisonedInWorker(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            if (inWorker()) {
                throw new InvalidObjectException("PoisonedInWorker refuses to be read in a worker");
            }
            in.defaultReadObject();
        }
    }

    /** Serializable, but refuses to be read outside a worker JVM (i.e. in the parent). */
    public static final class PoisonedInParent implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String value;

        public PoisonedInParent(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            if (!inWorker()) {
                throw new InvalidObjectException("PoisonedInParent refuses to be read in the parent");
            }
            in.defaultReadObject();
        }
    }

    /** A checked exception of the application's own, with a field. */
    public static final class CustomTaskException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;

        public CustomTaskException(String message, int code) {
            super(message);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** An exception that cannot be serialized (a non-serializable field). */
    public static final class UnserializableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("unused")
        private final NotSerializableThing payload = new NotSerializableThing();

        public UnserializableException(String message) {
            super(message);
        }
    }
}
