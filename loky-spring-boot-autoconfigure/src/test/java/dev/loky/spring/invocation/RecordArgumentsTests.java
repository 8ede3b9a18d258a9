package dev.loky.spring.invocation;

import dev.loky.spring.actuate.LokyInsights;
import dev.loky.spring.actuate.autoconfigure.LokyInsightsAutoConfiguration;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code loky.insights.record-arguments}: a kept call shows its arguments only when the user opted in.
 */
class RecordArgumentsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class,
                    LokyInsightsAutoConfiguration.class))
            .withUserConfiguration(ProcessAsyncThreadsTests.Beans.class)
            .withPropertyValues("loky.start-method=threads", "loky.max-workers=1", "demo.timeout=3s");

    @Test
    void argumentsAreNotKeptByDefault() {
        runner.run(context -> {
            assertThat(context.getBean(ProcessAsyncThreadsTests.Calculator.class).add(20, 22)).isEqualTo(42);
            LokyInsights insights = context.getBean(LokyInsights.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> !insights.slowestCalls().isEmpty());
            assertThat(insights.slowestCalls().get(0).task()).contains("Calculator.add(int, int)").doesNotContain("20").doesNotContain("arguments");
        });
    }

    @Test
    void argumentsAreKeptWhenAskedFor() {
        runner.withPropertyValues("loky.insights.record-arguments=true").run(context -> {
            assertThat(context.getBean(ProcessAsyncThreadsTests.Calculator.class).add(20, 22)).isEqualTo(42);
            LokyInsights insights = context.getBean(LokyInsights.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> !insights.slowestCalls().isEmpty());
            assertThat(insights.slowestCalls().get(0).task()).contains("Calculator.add(int, int)").endsWith("with arguments (20, 22)");
        });
    }
}
