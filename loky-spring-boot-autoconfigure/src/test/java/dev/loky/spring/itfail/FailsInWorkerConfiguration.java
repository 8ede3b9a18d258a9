package dev.loky.spring.itfail;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Profile;

/** A worker source whose context cannot start in a worker (outside the {@code it} package's scan). */
@Configuration(proxyBeanMethods = false)
@Profile("loky-worker")
public class FailsInWorkerConfiguration {

    @Bean
    @Lazy(false)
    Object database() {
        throw new IllegalStateException("no database in workers");
    }
}
