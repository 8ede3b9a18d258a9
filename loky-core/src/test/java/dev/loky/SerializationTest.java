package dev.loky;

import static dev.loky.support.Futures.chain;
import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.loky.serialization.DeserializationFilter;
import dev.loky.serialization.JavaTaskSerializer;
import dev.loky.serialization.TaskSerializer;
import dev.loky.support.PoolChecks;
import dev.loky.support.Tasks;

/** The pluggable serializer and the deserialization filter. */
class SerializationTest {

    /** Java serialization behind a marker that both sides check: proves both JVMs use this class. */
    public static final class MarkedSerializer implements TaskSerializer {
        static final AtomicLong WRITES = new AtomicLong();
        static final AtomicLong READS = new AtomicLong();
        private static final byte[] MARK = "LOKY-TEST-MARK".getBytes(StandardCharsets.US_ASCII);

        public MarkedSerializer() {
        }

        @Override
        public byte[] serialize(Object value) throws Exception {
            WRITES.incrementAndGet();
            byte[] body = JavaTaskSerializer.INSTANCE.serialize(value);
            byte[] out = Arrays.copyOf(MARK, MARK.length + body.length);
            System.arraycopy(body, 0, out, MARK.length, body.length);
            return out;
        }

        @Override
        public Object deserialize(byte[] data, ClassLoader loader) throws Exception {
            READS.incrementAndGet();
            if (data.length < MARK.length || !Arrays.equals(Arrays.copyOf(data, MARK.length), MARK)) {
                throw new IllegalStateException("not written by MarkedSerializer");
            }
            return JavaTaskSerializer.INSTANCE.deserialize(Arrays.copyOfRange(data, MARK.length, data.length), loader);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MarkedSerializer;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    @Test
    void aCustomSerializerIsUsedOnBothSides() {
        long writes = MarkedSerializer.WRITES.get();
        long reads = MarkedSerializer.READS.get();
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("custom-serializer").maxWorkers(1)
                .serializer(new MarkedSerializer()).build())) {
            String suffix = "!";
            assertThat(value(pool.submit(() -> "round trip" + suffix))).isEqualTo("round trip!");
            assertThat(pool.map(i -> i * 10, java.util.List.of(1, 2, 3))).containsExactly(10, 20, 30);
            IllegalStateException e = failure(pool.submit(() -> Tasks.throwIllegalState("through the custom serializer")),
                    IllegalStateException.class);
            assertThat(e).hasMessage("through the custom serializer");
        }
        assertThat(MarkedSerializer.WRITES.get()).isGreaterThan(writes);
        assertThat(MarkedSerializer.READS.get()).isGreaterThan(reads);
    }

    @Test
    void theFilterRejectsKnownGadgetFamilies() {
        assertThat(DeserializationFilter.isRejected("org.apache.commons.collections.functors.InvokerTransformer")).isTrue();
        assertThat(DeserializationFilter.isRejected("com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl")).isTrue();
        assertThat(DeserializationFilter.isRejected("javax.management.BadAttributeValueExpException")).isTrue();
        assertThat(DeserializationFilter.isRejected("java.util.ArrayList")).isFalse();
        assertThat(DeserializationFilter.isRejected(Tasks.Node.class.getName())).isFalse();
    }

    @Test
    void theFilterRejectsAGraphTooDeep() throws Exception {
        // Java serialization recurses per nesting level: a graph this deep needs a big stack on
        // both sides, otherwise StackOverflowError comes before the filter's depth limit
        Object rejection = onBigStack(() -> {
            byte[] bytes = JavaTaskSerializer.INSTANCE.serialize(Tasks.chain((int) DeserializationFilter.MAX_DEPTH + 100));
            try {
                JavaTaskSerializer.INSTANCE.deserialize(bytes, SerializationTest.class.getClassLoader());
                return "read without rejection";
            } catch (InvalidClassException e) {
                return e;
            }
        });
        assertThat(rejection).isInstanceOf(InvalidClassException.class);
        assertThat(((Exception) rejection).getMessage()).contains("REJECTED");

        Object fine = onBigStack(() -> JavaTaskSerializer.INSTANCE.deserialize(
                JavaTaskSerializer.INSTANCE.serialize(Tasks.chain(900)), SerializationTest.class.getClassLoader()));
        assertThat(((Tasks.Node) fine).length()).isEqualTo(900);
    }

    @Test
    void theFilterRejectsAGadgetClassByName() throws Exception {
        // a real JDK class from a rejected family, serialized by hand
        Object gadget = new javax.management.BadAttributeValueExpException("harmless here");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(gadget);
        }

        assertThatThrownBy(() -> JavaTaskSerializer.INSTANCE.deserialize(bytes.toByteArray(), getClass().getClassLoader()))
                .isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("REJECTED");
    }

    @Test
    void argumentsAndResultsTooDeepToReadAreTaskSerializationExceptionsAndKeepTheWorker() throws Exception {
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("filter").maxWorkers(1).build())) {
            long pid = value(pool.submit(Tasks::pid));
            int depth = (int) DeserializationFilter.MAX_DEPTH + 100;
            Tasks.Node tooDeep = onBigStack(() -> Tasks.chain(depth));

            // serialized on a big stack in the parent; the worker must refuse it (filter or stack),
            // as a TaskSerializationException, and survive
            java.util.concurrent.CompletableFuture<Integer> in = onBigStack(() -> pool.submit(() -> tooDeep.length()));
            TaskSerializationException inError = failure(in, TaskSerializationException.class);
            assertThat(inError.side()).isEqualTo(TaskSerializationException.Side.ARGUMENT_IN_WORKER);
            assertThat(value(pool.submit(Tasks::pid))).as("the worker is kept").isEqualTo(pid);

            // a result that deep cannot travel either: it fails in the worker (stack) or in the parent (filter)
            TaskSerializationException outError = failure(pool.submit(() -> Tasks.chain(depth)), TaskSerializationException.class);
            assertThat(outError.side()).isIn(TaskSerializationException.Side.RESULT_IN_WORKER,
                    TaskSerializationException.Side.RESULT_IN_PARENT);
            assertThat(value(pool.submit(Tasks::pid))).as("the worker is kept").isEqualTo(pid);
            assertThat(pool.snapshot().counters().crashes()).isZero();

            PoolChecks.assertRunsNewTask(pool);
        }
    }

    /** Runs on a thread with a 512 MiB stack. */
    static <T> T onBigStack(java.util.concurrent.Callable<T> work) throws Exception {
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(null, () -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "big-stack", 512L << 20);
        t.start();
        return result.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
}
