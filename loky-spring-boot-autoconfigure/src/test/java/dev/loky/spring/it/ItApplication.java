package dev.loky.spring.it;

import dev.loky.spring.ProcessAsyncExceptionHandler;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The application that the real-worker tests boot, in the test JVM and in every worker JVM. */
@SpringBootApplication
@EnableScheduling
public class ItApplication {

    /** How many runners ran in this JVM. */
    public static final AtomicInteger RUNNERS = new AtomicInteger();

    @Bean
    CommandLineRunner commandLineRunner() {
        return args -> RUNNERS.incrementAndGet();
    }

    @Bean
    ApplicationRunner applicationRunner() {
        return args -> RUNNERS.incrementAndGet();
    }

    /** Failures of fire-and-forget calls, as the parent saw them. */
    public static final List<Throwable> UNCAUGHT = new CopyOnWriteArrayList<>();

    @Bean
    ProcessAsyncExceptionHandler recordingHandler() {
        return (error, method, arguments) -> UNCAUGHT.add(error);
    }

    /** A dependency of the worker-side bean, with a configured value. */
    @Component
    public static class Greeter {

        private final String greeting;

        public Greeter(@Value("${demo.greeting}") String greeting) {
            this.greeting = greeting;
        }

        public String greet(String name) {
            return greeting + ", " + name;
        }
    }
}
