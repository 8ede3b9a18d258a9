package dev.loky.sample.web;

import dev.loky.spring.actuate.LokyEndpoint;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /pool}: the pool in the same JSON shape as {@code /actuator/loky} (it is that
 * endpoint's read operation), for clients that do not reach the Actuator.
 */
@RestController
public class PoolController {

    private final LokyEndpoint endpoint;

    public PoolController(LokyEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @GetMapping("/pool")
    public LokyEndpoint.PoolDescriptor pool() {
        return endpoint.pool();
    }
}
