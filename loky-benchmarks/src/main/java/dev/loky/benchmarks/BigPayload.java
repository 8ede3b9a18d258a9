package dev.loky.benchmarks;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A 50 MB {@code byte[]} as argument and as result, side by side with the raw pipe: the same 50 MB
 * written to a child JVM that echoes it back over its stdin/stdout, no framing, no serialization.
 * and Java serialization of the same array in one process (there and back). Prints the median
 * round trip of each and the bytes moved per second (100 MB per round trip), and the caller's peak
 * resident memory above its level before the loky round trips: sampled every 2 ms, and the kernel's
 * own peak (VmHWM, reset before the loky phase, which runs first), plus the worker's VmHWM.
 *
 * <pre>java -cp loky-benchmarks/target/benchmarks.jar dev.loky.benchmarks.BigPayload [rounds]</pre>
 */
public final class BigPayload {

    static final int BYTES = 50 * 1000 * 1000;

    private BigPayload() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        byte[] payload = new byte[BYTES];
        new Random(1).nextBytes(payload);

        // loky first, so that no earlier phase has grown this JVM's heap for it
        System.gc();
        long idle = Jvm.rssBytes(ProcessHandle.current().pid());
        boolean peakReset = resetPeakRss();
        AtomicLong peak = new AtomicLong(idle);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(Jvm.rssBytes(ProcessHandle.current().pid()), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        double loky;
        long workerHwm;
        long poolIdle;
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("big-payload").maxWorkers(1)
                .prestart(true).build())) {
            pool.submit(() -> "ready").get();
            poolIdle = Jvm.rssBytes(ProcessHandle.current().pid());
            double[] millis = new double[rounds];
            for (int i = -2; i < rounds; i++) {
                long start = System.nanoTime();
                byte[] back = pool.submit(() -> payload).get();
                long took = System.nanoTime() - start;
                if (!Arrays.equals(back, payload)) {
                    throw new IllegalStateException("payload damaged");
                }
                back = null;
                if (i >= 0) {
                    millis[i] = took / 1e6;
                }
            }
            Arrays.sort(millis);
            loky = millis[rounds / 2];
            workerHwm = statusBytes(pool.snapshot().workers().get(0).pid(), "VmHWM:");
        } finally {
            sampling.set(false);
        }
        long hwm = statusBytes(ProcessHandle.current().pid(), "VmHWM:");

        double pipe = rawPipe(payload, rounds);
        double inProcess = inProcessSerialization(payload, rounds);

        double movedMb = 2.0 * BYTES / 1e6;
        System.out.printf("50 MB there and back, median of %d: raw pipe %.0f ms (%.0f MB/s), loky submit %.0f ms (%.0f MB/s), "
                + "Java serialization in one process %.0f ms (%.0f MB/s); loky / pipe = %.2fx%n", rounds, pipe,
                movedMb / (pipe / 1000), loky, movedMb / (loky / 1000), inProcess, movedMb / (inProcess / 1000), loky / pipe);
        System.out.printf("caller RSS: %.0f MB before, peak sampled %.0f MB (%.1fx the payload above idle)", idle / 1e6,
                peak.get() / 1e6, (peak.get() - idle) / (double) BYTES);
        if (peakReset && hwm > 0) {
            System.out.printf(", VmHWM %.0f MB (%.1fx the payload above idle)", hwm / 1e6, (hwm - idle) / (double) BYTES);
        }
        System.out.printf("; worker VmHWM %.0f MB%n", workerHwm / 1e6);
        System.out.printf("caller RSS with its pool started and idle: %.0f MB; peak above that: %.1fx the payload%n",
                poolIdle / 1e6, (Math.max(peak.get(), hwm) - poolIdle) / (double) BYTES);
    }

    /** Resets this process's VmHWM to its current RSS (Linux: {@code 5 > /proc/self/clear_refs}). */
    static boolean resetPeakRss() {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A {@code /proc/<pid>/status} field in bytes (e.g. {@code VmHWM:}); -1 when unavailable. */
    static long statusBytes(long pid, String field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Median milliseconds to serialize and deserialize {@code payload} twice (there and back) in this JVM. */
    static double inProcessSerialization(byte[] payload, int rounds) throws Exception {
        double[] millis = new double[rounds];
        for (int i = -2; i < rounds; i++) {
            long start = System.nanoTime();
            Object value = payload;
            for (int way = 0; way < 2; way++) {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                    out.writeObject(value);
                }
                try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                    value = in.readObject();
                }
            }
            long took = System.nanoTime() - start;
            if (((byte[]) value).length != payload.length) {
                throw new IllegalStateException("payload damaged");
            }
            if (i >= 0) {
                millis[i] = took / 1e6;
            }
        }
        Arrays.sort(millis);
        return millis[rounds / 2];
    }

    /** Median milliseconds to send {@code payload} to a child JVM and read it back. */
    static double rawPipe(byte[] payload, int rounds) throws Exception {
        Process child = new ProcessBuilder(Jvm.command(Echo.class.getName(), "-Xmx256m")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (DataOutputStream out = new DataOutputStream(child.getOutputStream());
                DataInputStream in = new DataInputStream(child.getInputStream())) {
            byte[] back = new byte[payload.length];
            double[] millis = new double[rounds];
            for (int i = -2; i < rounds; i++) {
                long start = System.nanoTime();
                out.writeInt(payload.length);
                writeInPieces(out, payload);
                out.flush();
                readInPieces(in, back);
                long took = System.nanoTime() - start;
                if (i >= 0) {
                    millis[i] = took / 1e6;
                }
            }
            Arrays.sort(millis);
            return millis[rounds / 2];
        } finally {
            child.destroy();
            child.waitFor();
        }
    }

    /**
     * The pipe at its best from Java: reads and writes of 256 KiB. (One read or write of the whole
     * 50 MB is slower: the JDK copies each call's whole length through a native buffer it mallocs
     * per call, while the pipe hands over 64 KiB at a time.)
     */
    static final int PIECE = 256 * 1024;

    static void writeInPieces(java.io.OutputStream out, byte[] data) throws IOException {
        for (int off = 0; off < data.length; off += PIECE) {
            out.write(data, off, Math.min(PIECE, data.length - off));
        }
    }

    static void readInPieces(java.io.InputStream in, byte[] data) throws IOException {
        int off = 0;
        while (off < data.length) {
            int n = in.read(data, off, Math.min(PIECE, data.length - off));
            if (n < 0) {
                throw new java.io.EOFException();
            }
            off += n;
        }
    }

    /** The child of the raw pipe: reads a length and that many bytes, writes the bytes back. */
    public static final class Echo {
        public static void main(String[] args) throws IOException {
            DataInputStream in = new DataInputStream(new FileInputStream(FileDescriptor.in));
            FileOutputStream out = new FileOutputStream(FileDescriptor.out);
            byte[] buffer = new byte[0];
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (java.io.EOFException e) {
                    return;
                }
                if (buffer.length != length) {
                    buffer = new byte[length];
                }
                readInPieces(in, buffer);
                writeInPieces(out, buffer);
                out.flush();
            }
        }
    }
}
