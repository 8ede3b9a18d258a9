package dev.loky.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.loky.RemoteCallable;
import dev.loky.RemoteFunction;

/** The short form of {@link JavaTaskSerializer}: what takes it, what does not, and what it refuses. */
class CompactFormTest {

    private final JavaTaskSerializer serializer = JavaTaskSerializer.INSTANCE;
    private final ClassLoader loader = getClass().getClassLoader();

    private Object roundTrip(Object value) throws Exception {
        return serializer.deserialize(serializer.serialize(value), loader);
    }

    @Test
    void plainValuesTakeTheShortFormAndComeBackEqual() throws Exception {
        List<Object> values = Arrays.asList(null, 42, -7L, 2.5d, 1.5f, (short) -3, (byte) 9, 'é', true, false,
                "", "héllo wörld ✓", Integer.MIN_VALUE, Long.MAX_VALUE, Double.NaN);
        for (Object v : values) {
            byte[] bytes = serializer.serialize(v);
            assertThat(CompactForm.isCompact(bytes)).as("short form of %s", v).isTrue();
            Object back = serializer.deserialize(bytes, loader);
            assertThat(back).isEqualTo(v);
            if (v != null) {
                assertThat(back).hasSameClassAs(v);
            }
        }
    }

    @Test
    void theStreamingMethodsThePoolUsesTakeTheShortFormToo() throws Exception {
        // the pool serializes tasks and results through serialize(Object, OutputStream) (small ones
        // into a buffer, big ones as chunks): before, that path wrote every value with Java serialization
        int base = 41;
        RemoteCallable<Integer> task = () -> base + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer.serialize(task, out);
        byte[] bytes = out.toByteArray();
        assertThat(CompactForm.isCompact(bytes)).isTrue();
        @SuppressWarnings("unchecked")
        RemoteCallable<Integer> fromBytes = (RemoteCallable<Integer>) serializer.deserialize(bytes, loader);
        @SuppressWarnings("unchecked")
        RemoteCallable<Integer> fromStream = (RemoteCallable<Integer>) serializer.deserialize(new java.io.ByteArrayInputStream(bytes), loader);
        assertThat(fromBytes.call()).isEqualTo(42);
        assertThat(fromStream.call()).isEqualTo(42);
        // a big short-form value (streamed as chunks) and a Java-serialized one both read back from a stream
        String big = "x".repeat(1 << 20);
        out.reset();
        serializer.serialize(big, out);
        assertThat(serializer.deserialize(new java.io.ByteArrayInputStream(out.toByteArray()), loader)).isEqualTo(big);
        out.reset();
        serializer.serialize(List.of(1, 2), out);
        assertThat(CompactForm.isCompact(out.toByteArray())).isFalse();
        assertThat(serializer.deserialize(new java.io.ByteArrayInputStream(out.toByteArray()), loader)).isEqualTo(List.of(1, 2));
    }

    @Test
    void aLambdaCapturingPlainValuesTakesTheShortFormAndRunsAfterTheTrip() throws Exception {
        int base = 40;
        String suffix = "!";
        RemoteCallable<String> task = () -> (base + 2) + suffix;
        byte[] compact = serializer.serialize(task);
        assertThat(CompactForm.isCompact(compact)).isTrue();
        assertThat(compact.length).isLessThan(standardForm(task).length / 2);
        @SuppressWarnings("unchecked")
        RemoteCallable<String> back = (RemoteCallable<String>) serializer.deserialize(compact, loader);
        assertThat(back.call()).isEqualTo("42!");
        // the second trip uses the cached shape and gets its own captured values
        int other = 1;
        RemoteFunction<Integer, Integer> f = x -> x + other;
        @SuppressWarnings("unchecked")
        RemoteFunction<Integer, Integer> g = (RemoteFunction<Integer, Integer>) roundTrip(f);
        assertThat(g.apply(1)).isEqualTo(2);
        assertThat(((RemoteCallable<?>) roundTrip(task)).call()).isEqualTo("42!");
    }

    @Test
    void aLambdaCapturingAnObjectAndOtherObjectsTakeJavaSerialization() throws Exception {
        List<Integer> list = List.of(1, 2, 3);
        RemoteCallable<Integer> task = () -> list.size();
        byte[] bytes = serializer.serialize(task);
        assertThat(bytes[0]).isEqualTo((byte) 0xAC); // Java serialization's stream magic
        assertThat(((RemoteCallable<?>) serializer.deserialize(bytes, loader)).call()).isEqualTo(3);
        assertThat(serializer.serialize(new int[] {1})[0]).isEqualTo((byte) 0xAC);
        assertThat(roundTrip(List.of("a"))).isEqualTo(List.of("a"));
    }

    @Test
    void aShapeTheCapturingClassDoesNotDeclareIsRefused() throws Exception {
        int captured = 1;
        RemoteCallable<Integer> task = () -> captured;
        byte[] bytes = serializer.serialize(task);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("lambda$");
        assertThat(at).isPositive();
        bytes[at] = 'L'; // another implementation method name, same length
        assertThatThrownBy(() -> serializer.deserialize(bytes, loader)).isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining(CompactFormTest.class.getName());
    }

    @Test
    void aRejectedCapturingClassIsRefusedBeforeItIsLoaded() {
        byte[] name = "org.codehaus.groovy.runtime.MethodClosure".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(16); // LAMBDA
        writeInt(out, name.length + 4);
        writeInt(out, name.length);
        out.write(name, 0, name.length);
        writeInt(out, 0);
        assertThatThrownBy(() -> serializer.deserialize(out.toByteArray(), loader)).isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("rejected");
    }

    @Test
    void aTruncatedOrPaddedMessageIsCorrupt() throws Exception {
        byte[] bytes = serializer.serialize("hello");
        assertThatThrownBy(() -> serializer.deserialize(Arrays.copyOf(bytes, bytes.length - 1), loader))
                .isInstanceOf(StreamCorruptedException.class);
        assertThatThrownBy(() -> serializer.deserialize(Arrays.copyOf(bytes, bytes.length + 1), loader))
                .isInstanceOf(StreamCorruptedException.class);
    }

    private static byte[] standardForm(Object value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
