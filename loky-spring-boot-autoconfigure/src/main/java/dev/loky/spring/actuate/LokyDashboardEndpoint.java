package dev.loky.spring.actuate;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.MimeTypeUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The live pool page, {@code GET /actuator/lokydashboard} ({@code loky.dashboard.enabled=true}):
 * workers (pid, state, memory, current task, tasks done, where their time went), running maps with
 * their progress, the slowest recent calls and the recent failures with the worker's stack trace.
 * The page polls {@code /actuator/loky} once a second, so that endpoint must be exposed too.
 *
 * <p>An Actuator endpoint rather than a controller, so that it is exposed, mapped under
 * {@code management.endpoints.web.base-path} (and the management port) and secured exactly like the
 * other endpoints: {@code EndpointRequest.toAnyEndpoint()} in a Spring Security filter chain covers it.
 * The page's HTML, CSS and script are files in this jar ({@code META-INF/loky/dashboard/}), inlined
 * into one response: no CDN, no other request than the JSON polls.
 */
@WebEndpoint(id = "lokydashboard")
public class LokyDashboardEndpoint {

    private static final String LOCATION = "META-INF/loky/dashboard/";

    private volatile String page;

    @ReadOperation(produces = MimeTypeUtils.TEXT_HTML_VALUE)
    public String page() {
        String html = page;
        if (html == null) {
            html = read("index.html").replace("/*loky:css*/", read("dashboard.css")).replace("/*loky:js*/", read("dashboard.js"));
            page = html;
        }
        return html;
    }

    private static String read(String name) {
        try (InputStream in = new ClassPathResource(LOCATION + name, LokyDashboardEndpoint.class.getClassLoader()).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the loky dashboard's " + name + " is missing from the loky jar", e);
        }
    }
}
