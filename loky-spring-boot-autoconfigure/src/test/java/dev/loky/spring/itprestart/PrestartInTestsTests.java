package dev.loky.spring.itprestart;

import dev.loky.ProcessExecutor;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code loky.prestart=true} in a test context: no worker is spawned until a test calls one (a
 * suite's contexts would otherwise each keep worker JVMs running while later tests run).
 */
@SpringBootTest(properties = {"loky.prestart=true", "loky.max-workers=1", "loky.worker.startup-cache=off"})
class PrestartInTestsTests {

    @Autowired
    ProcessExecutor executor;

    @Autowired
    PrestartApplication.PidService service;

    @Test
    void prestartWaitsForTheFirstCallInATestContext() {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> executor.snapshot().workers().isEmpty());
        assertThat(service.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(executor.snapshot().workers()).hasSize(1);
    }
}
