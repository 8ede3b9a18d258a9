package dev.loky;

import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.loky.serialization.JavaTaskSerializer;

import dev.loky.support.Pools;

/**
 * Values built to hurt the reader: a worker's result (or any message) that would pin the reading
 * thread forever or make it allocate gigabytes is refused, quickly, and fails only its task. Before
 * the limits, the nested-set result kept its future pending past its timeout and {@code shutdownNow},
 * and the 27-byte array claim threw {@code OutOfMemoryError} in the caller.
 */
class HostileValuesTest {

    @RegisterExtension
    final Pools pools = new Pools();
    private ProcessExecutor pool;

    /** The "SerialDOS" graph: 100 levels of two sets, each holding both sets of the level below (~5 KB; 2^100 hashCode calls to read). */
    static Set<Object> serialDos() {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    @Test
    void aNestedSetResultFromAWorkerIsRefusedAtOnceAndOnlyItsTaskFails() {
        pool = pools.create(PoolConfig.builder().name("serialdos").maxWorkers(1).build());
        long pid = value(pool.submit(() -> ProcessHandle.current().pid()));
        long started = System.nanoTime();
        TaskSerializationException e = failure(pool.submit(HostileValuesTest::serialDos), TaskSerializationException.class);
        assertThat((System.nanoTime() - started) / 1_000_000).as("refused, not computed").isLessThan(20_000);
        assertThat(e.side()).isEqualTo(TaskSerializationException.Side.RESULT_IN_PARENT);
        assertThat(dev.loky.support.Futures.chain(e)).contains("hashCode would take more than");
        // the channel is in step: the next task is served by the same worker, with no false timeout
        assertThat(value(pool.submit(() -> ProcessHandle.current().pid()))).isEqualTo(pid);
    }

    @Test
    void aStreamClaimingAHugeArrayIsRefusedWithoutAllocatingIt() throws IOException {
        // 27 bytes: a serialized long[] header whose length field says 2^30 elements (8 GiB)
        ByteArrayOutputStream real = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(real)) {
            out.writeObject(new long[0]);
        }
        byte[] bytes = real.toByteArray();
        int lengthAt = bytes.length - 4;
        bytes[lengthAt] = 0x40;
        assertThat(bytes.length).isLessThan(64);
        assertThatThrownBy(() -> JavaTaskSerializer.INSTANCE.deserialize(bytes, getClass().getClassLoader()))
                .isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
        assertThatThrownBy(() -> JavaTaskSerializer.INSTANCE.deserialize(new java.io.ByteArrayInputStream(bytes),
                getClass().getClassLoader())).isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
    }

    @Test
    void aFrameHeaderClaimingAGigabyteFailsOnlyThatWorkersTask() {
        pool = pools.create(PoolConfig.builder().name("claim").maxWorkers(1).build());
        long pid = value(pool.submit(() -> ProcessHandle.current().pid()));
        // the header claims 1 GiB for a reply: the parent refuses the frame (ordinary frames are at most
        // 64 MiB; big values travel in chunks) instead of allocating it and waiting for bytes that never come
        TerminatedWorkerException e = failure(pool.submit(() -> {
            dev.loky.internal.protocol.HostileFrames.claim(1, 1 << 30);
            Thread.sleep(60_000);
            return 0;
        }), TerminatedWorkerException.class);
        assertThat(e.pid()).isEqualTo(pid);
        assertThat(value(pool.submit(() -> ProcessHandle.current().pid()))).isNotEqualTo(pid);
    }

    @Test
    void ordinaryValuesStillTravel() throws Exception {
        List<Integer> flat = new ArrayList<>();
        for (int i = 0; i < 2_000_000; i++) {
            flat.add(i);
        }
        byte[] bytes = JavaTaskSerializer.INSTANCE.serialize(flat);
        assertThat(JavaTaskSerializer.INSTANCE.deserialize(bytes, getClass().getClassLoader())).isEqualTo(flat);
        long[] numbers = new long[1 << 20];
        assertThat((long[]) JavaTaskSerializer.INSTANCE.deserialize(JavaTaskSerializer.INSTANCE.serialize(numbers),
                getClass().getClassLoader())).hasSize(1 << 20);
        Set<Set<String>> nested = new HashSet<>(Set.of(new HashSet<>(Set.of("a", "b")), new HashSet<>(Set.of("c"))));
        assertThat(JavaTaskSerializer.INSTANCE.deserialize(JavaTaskSerializer.INSTANCE.serialize(nested), getClass().getClassLoader()))
                .isEqualTo(nested);
    }
}
