package dev.loky.sample.fractal;

import java.util.List;

/** What a JVM says about itself. */
public record WorkerInfo(long pid, boolean worker, List<String> profiles, String greeting) {
}
