package dev.loky.sample.fractal;

import dev.loky.MapOptions;
import dev.loky.ProcessExecutor;
import dev.loky.RemoteFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A batch job on the core API: the frames of a zoom into the Mandelbrot set are rendered with
 * {@link ProcessExecutor#map} (chunked over the workers, progress reported: the live page shows it
 * as a running map), then laid side by side into one PNG in this JVM.
 */
final class ZoomStrip {

    private static final Logger log = LoggerFactory.getLogger(ZoomStrip.class);

    private ZoomStrip() {
    }

    /** The frames' images and the strip. */
    record Result(List<RenderedImage> frames, byte[] png) {
    }

    static Result render(ProcessExecutor executor, int frames, int size) {
        if (frames < 1 || frames > 64) {
            throw new IllegalArgumentException("frames must be between 1 and 64, got " + frames);
        }
        if (size < 16 || size > 512) {
            throw new IllegalArgumentException("size must be between 16 and 512, got " + size);
        }
        List<RenderedImage> images = executor.map(frameRenderer(size), IntStream.range(0, frames).boxed().toList(),
                MapOptions.defaults().chunkSize(1).progress((done, total) -> log.debug("zoom strip: {}/{} frames", done, total)));
        BufferedImage strip = new BufferedImage(size * frames, size, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < frames; i++) {
            strip.getGraphics().drawImage(read(images.get(i).png()), i * size, 0, null);
        }
        return new Result(images, Mandelbrot.encode(strip));
    }

    /** Static, so the lambda captures only {@code size} (it travels to the workers). */
    private static RemoteFunction<Integer, RenderedImage> frameRenderer(int size) {
        return frame -> {
            long start = System.nanoTime();
            byte[] png = Mandelbrot.png(size, size, Mandelbrot.ZOOM_X, Mandelbrot.ZOOM_Y, 3.0 * Math.pow(0.55, frame), 300 + 80 * frame);
            return new RenderedImage(png, ProcessHandle.current().pid(), (System.nanoTime() - start) / 1_000_000);
        };
    }

    private static BufferedImage read(byte[] png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
