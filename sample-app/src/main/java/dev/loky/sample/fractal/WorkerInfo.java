package dev.loky.sample.fractal;

import java.util.List;

/**
 * What a JVM says about itself; {@code springAot}: its Spring context booted from Spring AOT's
 * generated code (a worker of the packaged application, whose build ran loky's process-worker-aot).
 */
public record WorkerInfo(long pid, boolean worker, List<String> profiles, String greeting, boolean springAot) {
}
