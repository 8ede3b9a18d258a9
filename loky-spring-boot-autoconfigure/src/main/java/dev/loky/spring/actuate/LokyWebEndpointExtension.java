package dev.loky.spring.actuate;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import java.util.Map;

/**
 * The {@code loky} endpoint over HTTP: a refused resize answers 400 with the reason in the body
 * (a request above {@code loky.max-workers-limit} names the limit), whatever
 * {@code server.error.include-message} says, since the reason holds nothing but the numbers the
 * client sent and the configured limit. Reading is the endpoint's own operation.
 */
@EndpointWebExtension(endpoint = LokyEndpoint.class)
public class LokyWebEndpointExtension {

    private final LokyEndpoint endpoint;

    public LokyWebEndpointExtension(LokyEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** {@link LokyEndpoint#resize}, with a refusal as a 400 that says why. */
    @WriteOperation
    public WebEndpointResponse<Object> resize(int maxWorkers) {
        try {
            return new WebEndpointResponse<>(endpoint.resize(maxWorkers));
        } catch (InvalidEndpointRequestException ex) {
            return new WebEndpointResponse<>(Map.of("status", 400, "error", "Bad Request", "message", ex.getReason()),
                    WebEndpointResponse.STATUS_BAD_REQUEST);
        }
    }
}
