package dev.loky.spring.shutdown;

import dev.loky.LokyException;
import dev.loky.spring.ProcessAsync;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application that {@link GracefulShutdownTests} runs as a separate JVM and stops with a real
 * SIGTERM while an HTTP request waits for a {@code @ProcessAsync} call.
 */
@SpringBootApplication
public class GracefulShutdownApplication {

    public static void main(String[] args) {
        SpringApplication.run(GracefulShutdownApplication.class, args);
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> portReporter() {
        return event -> {
            System.out.println("PORT " + event.getWebServer().getPort());
            System.out.flush();
        };
    }

    /** Runs in the worker JVM. */
    @Service
    public static class SlowService {

        @ProcessAsync
        public String sleep(long millis) throws InterruptedException {
            // goes to the worker's log, which the parent copies into its own
            System.out.println("SLEEP STARTED in " + ProcessHandle.current().pid());
            Thread.sleep(millis);
            return "slept " + millis + " ms in " + ProcessHandle.current().pid();
        }

        @ProcessAsync
        public long pid() {
            return ProcessHandle.current().pid();
        }
    }

    @RestController
    public static class SlowController {

        private final SlowService service;

        SlowController(SlowService service) {
            this.service = service;
        }

        @GetMapping("/sleep")
        ResponseEntity<String> sleep(@RequestParam long millis) throws InterruptedException {
            try {
                return ResponseEntity.ok(service.sleep(millis));
            } catch (LokyException e) {
                System.out.println("CALL FAILED " + e);
                System.out.flush();
                return ResponseEntity.internalServerError().body("failed: " + e);
            }
        }

        @GetMapping("/pid")
        long pid() {
            return service.pid();
        }
    }
}
