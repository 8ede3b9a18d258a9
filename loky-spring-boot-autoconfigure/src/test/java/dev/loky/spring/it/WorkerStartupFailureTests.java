package dev.loky.spring.it;

import dev.loky.WorkerStartupException;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A worker whose slim context cannot start: the call fails with {@link WorkerStartupException}
 * carrying what the worker wrote, instead of hanging.
 */
@SpringBootTest(properties = {"loky.max-workers=1", "loky.worker.startup-cache=off",
        "loky.worker.sources=dev.loky.spring.itfail.FailsInWorkerConfiguration"})
class WorkerStartupFailureTests {

    @Autowired
    WorkService service;

    @Test
    void callFailsWithTheWorkersStartupError() {
        assertThatThrownBy(() -> service.pid()).isInstanceOf(WorkerStartupException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage() + ((WorkerStartupException) e).workerOutput()
                        + e.getCause()).contains("no database in workers"));
    }
}
