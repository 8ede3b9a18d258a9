package dev.loky.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web service whose heavy or risky work runs in loky worker JVMs: see
 * {@link dev.loky.sample.fractal.FractalService} and {@link dev.loky.sample.trouble.TroubleService}
 * for the {@code @ProcessAsync} methods, and the controllers beside them for the endpoints that
 * call them.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
