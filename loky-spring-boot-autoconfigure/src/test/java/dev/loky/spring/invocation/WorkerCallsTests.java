package dev.loky.spring.invocation;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import tools.jackson.databind.json.JsonMapper;

/** The worker's door into the call registry stays shut in a caller's JVM (worker JVMs use it in ProcessAsyncWorkerTests). */
class WorkerCallsTests {

    @Test
    void onlyAWorkerJvmServesCalls() {
        assertThatThrownBy(() -> WorkerCalls.serve(new DefaultListableBeanFactory(), JsonMapper.builder().build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Only a loky worker JVM (-Dloky.worker.process=true)");
    }
}
