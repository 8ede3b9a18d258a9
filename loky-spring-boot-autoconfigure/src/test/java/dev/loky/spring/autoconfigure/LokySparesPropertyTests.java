package dev.loky.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.ProcessExecutor;
import dev.loky.spring.InvalidLokyPropertyException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code loky.worker.spares}: bound into the pool's configuration, default 0, negative values refused. */
class LokySparesPropertyTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class));

    @Test
    void sparesDefaultToNone() {
        runner.run(context -> assertThat(context.getBean(ProcessExecutor.class).config().spares()).isZero());
    }

    @Test
    void sparesAreBoundIntoThePoolConfig() {
        runner.withPropertyValues("loky.max-workers=3", "loky.worker.spares=1")
                .run(context -> assertThat(context.getBean(ProcessExecutor.class).config().spares()).isEqualTo(1));
    }

    @Test
    void negativeSparesFailStartupNamingTheProperty() {
        runner.withPropertyValues("loky.worker.spares=-1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidLokyPropertyException.class)
                    .hasMessageContaining("loky.worker.spares");
        });
    }
}
