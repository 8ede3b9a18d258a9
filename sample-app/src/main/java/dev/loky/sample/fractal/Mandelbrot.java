package dev.loky.sample.fractal;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders the Mandelbrot set as a PNG: pure CPU work with an image's allocations, the kind of job
 * worth moving out of a web server's threads. Stateless and thread-safe.
 */
public final class Mandelbrot {

    /** Where the zoom of {@code /zoom.png} dives: a seahorse valley spiral. */
    public static final double ZOOM_X = -0.743643887037151;
    public static final double ZOOM_Y = 0.131825904205330;

    private Mandelbrot() {
    }

    /**
     * @param width image width in pixels (1..4096)
     * @param height image height in pixels (1..4096)
     * @param centerX the real part at the image's centre
     * @param centerY the imaginary part at the image's centre
     * @param scale the width of the view in the complex plane
     * @param maxIterations escape-time limit (more: finer detail, slower)
     */
    public static byte[] png(int width, int height, double centerX, double centerY, double scale, int maxIterations) {
        if (width < 1 || height < 1 || width > 4096 || height > 4096) {
            throw new IllegalArgumentException("width and height must be between 1 and 4096, got " + width + "x" + height);
        }
        if (maxIterations < 1 || maxIterations > 100_000) {
            throw new IllegalArgumentException("iterations must be between 1 and 100000, got " + maxIterations);
        }
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive, got " + scale);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        double step = scale / width;
        double left = centerX - scale / 2;
        double top = centerY + step * height / 2;
        for (int py = 0; py < height; py++) {
            double y0 = top - py * step;
            for (int px = 0; px < width; px++) {
                double x0 = left + px * step;
                double x = 0;
                double y = 0;
                int i = 0;
                while (x * x + y * y <= 4 && i < maxIterations) {
                    double xt = x * x - y * y + x0;
                    y = 2 * x * y + y0;
                    x = xt;
                    i++;
                }
                image.setRGB(px, py, color(i, maxIterations, x * x + y * y));
            }
        }
        return encode(image);
    }

    /** A smooth palette: black inside the set, blue to gold outside. */
    private static int color(int iterations, int max, double modulus) {
        if (iterations >= max) {
            return 0;
        }
        double smooth = iterations + 1 - Math.log(Math.log(Math.max(modulus, 4)) / 2 / Math.log(2)) / Math.log(2);
        double t = Math.sqrt(smooth / max);
        int r = (int) (9 * (1 - t) * t * t * t * 255);
        int g = (int) (15 * (1 - t) * (1 - t) * t * t * 255);
        int b = (int) (8.5 * (1 - t) * (1 - t) * (1 - t) * t * 255);
        return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
