package dev.loky.spring.workeraot;

import dev.loky.spring.ProcessAsync;

import org.springframework.aot.AotDetector;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/**
 * Booted by {@link WorkerContextAotTests} in the test JVM and in its worker JVMs, whose context is
 * run through Spring AOT by the build step first.
 */
@SpringBootApplication
public class AotWorkerApplication {

    /** Set by the runner; a worker never runs the application's runners, with AOT or without. */
    static final String RUNNER_RAN = "aot.test.runner.ran";

    @Bean
    ApplicationRunner marksItsRun() {
        return args -> System.setProperty(RUNNER_RAN, "true");
    }

    @Bean
    Greeting greeting() {
        return new Greeting("hello from a worker");
    }

    record Greeting(String text) {
    }

    /** What a worker reports about its own context. */
    public record WorkerView(long pid, boolean generatedArtifacts, String contextClass, String greeting, boolean runnerRan, long nestedPid) {
    }

    @Service
    public static class AotService {

        private final ApplicationContext context;
        private final Greeting greeting;
        private final NestedService nested;

        public AotService(ApplicationContext context, Greeting greeting, NestedService nested) {
            this.context = context;
            this.greeting = greeting;
            this.nested = nested;
        }

        @ProcessAsync
        public WorkerView view() {
            return new WorkerView(ProcessHandle.current().pid(), AotDetector.useGeneratedArtifacts(), context.getClass().getName(),
                    greeting.text(), Boolean.getBoolean(RUNNER_RAN), nested.pid());
        }
    }

    /** Called from inside a worker's call: runs inline there, in the same worker. */
    @Service
    public static class NestedService {

        @ProcessAsync
        public long pid() {
            return ProcessHandle.current().pid();
        }
    }
}
