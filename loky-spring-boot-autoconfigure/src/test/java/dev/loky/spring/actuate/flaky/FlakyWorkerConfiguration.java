package dev.loky.spring.actuate.flaky;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker source whose context fails to start while the file named by the system property
 * {@value #MARKER_PROPERTY} exists: the tests create it to make workers fail, and delete it to let
 * them start again.
 */
@Configuration(proxyBeanMethods = false)
public class FlakyWorkerConfiguration {

    public static final String MARKER_PROPERTY = "loky.test.fail-marker";

    @Bean
    @Lazy(false)
    String flakyStartupCheck() {
        String marker = System.getProperty(MARKER_PROPERTY);
        if (marker != null && Files.exists(Path.of(marker))) {
            throw new IllegalStateException("worker start refused: marker file " + marker + " exists");
        }
        return "started";
    }
}
