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
 * Prints the median round trip of each and the bytes moved per second (100 MB per round trip),
 * and the caller's peak resident memory above its level before the loky round trips (sampled
 * every 2 ms from {@code /proc/self/status}).
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

        double pipe = rawPipe(payload, rounds);

        System.gc();
        long idle = Jvm.rssBytes(ProcessHandle.current().pid());
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
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("big-payload").maxWorkers(1)
                .prestart(true).build())) {
            double[] millis = new double[rounds];
            for (int i = -2; i < rounds; i++) {
                long start = System.nanoTime();
                byte[] back = pool.submit(() -> payload).get();
                long took = System.nanoTime() - start;
                if (back.length != BYTES || back[BYTES - 1] != payload[BYTES - 1]) {
                    throw new IllegalStateException("payload damaged");
                }
                if (i >= 0) {
                    millis[i] = took / 1e6;
                }
            }
            Arrays.sort(millis);
            loky = millis[rounds / 2];
        } finally {
            sampling.set(false);
        }
        double movedMb = 2.0 * BYTES / 1e6;
        System.out.printf("50 MB there and back, median of %d: raw pipe %.0f ms (%.0f MB/s), loky submit %.0f ms (%.0f MB/s); "
                + "loky / pipe = %.2fx%n", rounds, pipe, movedMb / (pipe / 1000), loky, movedMb / (loky / 1000), loky / pipe);
        System.out.printf("caller RSS: %.0f MB before, peak %.0f MB, peak above idle %.0f MB = %.1fx the payload%n", idle / 1e6,
                peak.get() / 1e6, (peak.get() - idle) / 1e6, (peak.get() - idle) / (double) BYTES);
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
                out.write(payload);
                out.flush();
                in.readFully(back);
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
                in.readFully(buffer);
                out.write(buffer);
                out.flush();
            }
        }
    }
}
