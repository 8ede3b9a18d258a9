package dev.loky.it.realapp;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DevTools is on this application's classpath. Its restarter used to take over each worker's main
 * thread (a {@code restartedMain} thread re-entered the worker main), so no worker ever became ready.
 */
@SpringBootTest(properties = "loky.worker.startup-timeout=45s")
class DevToolsWorkerTests {

    @Autowired
    ClinicService clinic;

    @Test
    void aWorkerStartsWithDevToolsOnTheClasspath() {
        assertThat(ClassUtils.isPresent("org.springframework.boot.devtools.restart.Restarter", null)).isTrue();
        long pid = clinic.pid();
        assertThat(pid).isPositive().isNotEqualTo(ProcessHandle.current().pid());
    }
}
