package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.loky.support.Tasks;

/** 64 MiB arguments and results travel intact. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargePayloadTest {

    private static final int SIXTY_FOUR_MIB = 64 << 20;

    private ProcessExecutor pool;

    @BeforeAll
    void start() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("payload").maxWorkers(1).build());
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void sixtyFourMebibyteArgument() {
        byte[] data = Tasks.pattern(SIXTY_FOUR_MIB, 42);
        long expected = Tasks.crc32(data);

        long inWorker = value(pool.submit(() -> Tasks.crc32(data)));

        assertThat(inWorker).isEqualTo(expected);
    }

    @Test
    void sixtyFourMebibyteResult() {
        byte[] result = value(pool.submit(() -> Tasks.pattern(SIXTY_FOUR_MIB, 43)));

        assertThat(result).hasSize(SIXTY_FOUR_MIB);
        assertThat(result).isEqualTo(Tasks.pattern(SIXTY_FOUR_MIB, 43));
    }

    @Test
    void sixtyFourMebibytesThereAndBack() {
        byte[] data = Tasks.pattern(SIXTY_FOUR_MIB, 44);

        byte[] echoed = value(pool.submit(() -> data));

        assertThat(echoed).isEqualTo(data);
        assertThat(value(pool.submit(() -> "small after large"))).isEqualTo("small after large");
    }
}
