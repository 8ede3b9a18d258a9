package dev.loky.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * (a) The pipe floor: an 8-byte ping-pong between this JVM and a child JVM ({@link PipeEcho},
 * same {@code java}, same classpath) over the child's stdin and stdout. Every pool round trip pays
 * at least this, so the no-op benchmarks are read as multiples of it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class PipeFloorBenchmark {

    private Process child;
    private OutputStream toChild;
    private InputStream fromChild;
    private final byte[] ping = {1, 2, 3, 4, 5, 6, 7, 8};
    private final byte[] pong = new byte[PipeEcho.MESSAGE_BYTES];

    @Setup
    public void startChild() throws IOException {
        child = new ProcessBuilder(Jvm.command(PipeEcho.class.getName(), "-Xmx32m", "-XX:+UseSerialGC"))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        toChild = child.getOutputStream();
        fromChild = child.getInputStream();
    }

    @Benchmark
    public byte[] pingPong() throws IOException {
        toChild.write(ping);
        toChild.flush();
        if (!PipeEcho.readFully(fromChild, pong)) {
            throw new IOException("the echo child ended its output");
        }
        return pong;
    }

    @TearDown
    public void stopChild() throws Exception {
        toChild.close();
        if (!child.waitFor(5, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
    }
}
