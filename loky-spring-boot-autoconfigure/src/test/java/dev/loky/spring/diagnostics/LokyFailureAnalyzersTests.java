package dev.loky.spring.diagnostics;

import dev.loky.spring.ProcessAsync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Starts real {@code SpringApplication}s with invalid {@code loky.*} values and checks the startup
 * failure report that Boot prints through the registered failure analyzers.
 */
@ExtendWith(OutputCaptureExtension.class)
class LokyFailureAnalyzersTests {

    @Test
    void maxWorkersZero(CapturedOutput output) {
        fail("--loky.max-workers=0");
        assertThat(output).contains("Invalid value '0' for property 'loky.max-workers'")
                .contains("Set loky.max-workers to 1 or more");
    }

    @Test
    void negativeIdleTimeout(CapturedOutput output) {
        fail("--loky.idle-timeout=-1s");
        assertThat(output).contains("Invalid value '-1s' for property 'loky.idle-timeout'")
                .contains("Set loky.idle-timeout to a positive duration");
    }

    @Test
    void unknownStartMethod(CapturedOutput output) {
        fail("--loky.start-method=forks");
        assertThat(output).contains("Invalid value 'forks' for property 'loky.start-method'")
                .contains("it is not one of: spawn, threads").contains("Set loky.start-method to one of: spawn, threads");
    }

    @Test
    void durationThatDoesNotParse(CapturedOutput output) {
        fail("--loky.task-timeout=soon");
        assertThat(output).contains("Invalid value 'soon' for property 'loky.task-timeout'")
                .contains("Set loky.task-timeout to a duration such as 30s");
    }

    @Test
    void jvmArgumentTheWorkerJvmRejects(CapturedOutput output) {
        fail("--loky.worker.jvm-args=-XX:+NoSuchLokyOption");
        assertThat(output).contains("for property 'loky.worker.jvm-args'").contains("Unrecognized VM option 'NoSuchLokyOption'")
                .contains("Fix or remove the rejected argument in loky.worker.jvm-args");
    }

    @Test
    void unsupportedProcessAsyncMethod(CapturedOutput output) {
        assertThatException().isThrownBy(() -> application(BadMethodApp.class).run("--loky.start-method=threads"));
        assertThat(output).contains("The @ProcessAsync method").contains("BadBean.run(Runnable)").contains("of bean 'badBean'")
                .contains("which cannot travel between JVMs as JSON");
    }

    private static void fail(String... args) {
        assertThatException().isThrownBy(() -> application(App.class).run(args));
    }

    private static SpringApplication application(Class<?> source) {
        SpringApplication application = new SpringApplication(source);
        application.setWebApplicationType(WebApplicationType.NONE);
        return application;
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(LokyAutoConfiguration.class)
    static class App {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(LokyAutoConfiguration.class)
    static class BadMethodApp {

        @Bean
        BadBean badBean() {
            return new BadBean();
        }
    }

    public static class BadBean {

        @ProcessAsync
        public void run(Runnable task) {
            task.run();
        }

    }
}
