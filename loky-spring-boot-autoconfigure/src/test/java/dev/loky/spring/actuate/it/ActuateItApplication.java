package dev.loky.spring.actuate.it;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The web application that the Actuator tests boot, in the test JVM and (without web) in every worker JVM. */
@SpringBootApplication
public class ActuateItApplication {
}
