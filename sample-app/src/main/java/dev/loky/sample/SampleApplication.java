package dev.loky.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web service whose heavy or risky work runs in loky worker JVMs: see
 * {@link PrimeService} for the {@code @ProcessAsync} methods and {@link SampleController} for the
 * endpoints that call them.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
