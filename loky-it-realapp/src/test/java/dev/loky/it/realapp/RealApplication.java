package dev.loky.it.realapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A small but realistic application, as a new user would try the starter on: JPA entities with
 * collections, Spring Data repositories, an H2 database migrated by Flyway, DevTools on the
 * classpath, caching and Actuator. Its {@code @ProcessAsync} calls run in real worker JVMs.
 */
@SpringBootApplication
@EnableCaching
public class RealApplication {
}
