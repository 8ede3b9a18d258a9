package dev.loky.sample.fractal;

/**
 * A PNG and who made it.
 *
 * @param png the image
 * @param workerPid the JVM that rendered it
 * @param millis how long rendering took there
 */
public record RenderedImage(byte[] png, long workerPid, long millis) implements java.io.Serializable {
}
