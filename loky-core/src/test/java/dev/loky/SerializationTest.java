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
        Tasks.Node tooDeep = Tasks.chain((int) DeserializationFilter.MAX_DEPTH + 100);
        byte[] bytes = JavaTaskSerializer.INSTANCE.serialize(tooDeep);

        assertThatThrownBy(() -> JavaTaskSerializer.INSTANCE.deserialize(bytes, getClass().getClassLoader()))
                .isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("REJECTED");

        Tasks.Node fine = Tasks.chain(500);
        Object back = JavaTaskSerializer.INSTANCE.deserialize(JavaTaskSerializer.INSTANCE.serialize(fine), getClass().getClassLoader());
        assertThat(((Tasks.Node) back).length()).isEqualTo(500);
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
    void tooDeepArgumentsAndResultsAreTaskSerializationExceptions() {
        try (ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("filter").maxWorkers(1).build())) {
            int depth = (int) DeserializationFilter.MAX_DEPTH + 100;
            Tasks.Node tooDeep = Tasks.chain(depth);

            TaskSerializationException in = failure(pool.submit(() -> tooDeep.length()), TaskSerializationException.class);
            assertThat(in.side()).isEqualTo(TaskSerializationException.Side.ARGUMENT_IN_WORKER);
            assertThat(chain(in)).contains("REJECTED");

            TaskSerializationException out = failure(pool.submit(() -> Tasks.chain(depth)), TaskSerializationException.class);
            assertThat(out.side()).isEqualTo(TaskSerializationException.Side.RESULT_IN_PARENT);
            assertThat(chain(out)).contains("REJECTED");

            PoolChecks.assertRunsNewTask(pool);
        }
    }
}
