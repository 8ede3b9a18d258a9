package dev.loky.spring.it;

import dev.loky.ProcessExecutor;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pool outlives what is not a close, with real worker JVMs. The test framework of Spring
 * Framework 7 pauses a cached context when the next test class needs another one, and restarts it
 * when a later class reuses it: before the fix, the pause shut the pool down for good and every
 * {@code @ProcessAsync} call of that later class failed with "the loky pool 'loky' is shut down"
 * (found when the sample's tests got a second context). A close still ends the pool and its workers.
 */
class ContextPauseTests {

    @Test
    void aPausedOrStoppedContextKeepsItsPoolAndOnlyACloseEndsIt() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ItApplication.class).web(WebApplicationType.NONE)
                .properties("loky.max-workers=1", "loky.worker.startup-cache=off", "loky.worker.jvm-args=-Xmx128m,-XX:TieredStopAtLevel=1")
                .run();
        WorkService service = context.getBean(WorkService.class);
        ProcessExecutor executor = context.getBean(ProcessExecutor.class);
        long worker = service.pid();

        context.pause(); // what the test framework does to a cached context that the next test class does not use
        context.restart();
        assertThat(service.pid()).as("the same worker serves after a pause").isEqualTo(worker);

        context.stop();
        context.start();
        assertThat(service.pid()).as("the same worker serves after a stop and a start").isEqualTo(worker);
        assertThat(executor.isShutdown()).isFalse();

        context.close();
        assertThat(executor.isShutdown()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(worker).map(p -> !p.isAlive()).orElse(true));
    }
}
