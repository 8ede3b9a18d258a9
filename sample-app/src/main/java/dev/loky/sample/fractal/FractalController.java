package dev.loky.sample.fractal;

import dev.loky.ProcessExecutor;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The service's useful work: fractal images rendered in worker JVMs. */
@RestController
public class FractalController {

    private final FractalService fractals;
    private final ProcessExecutor executor;

    public FractalController(FractalService fractals, ProcessExecutor executor) {
        this.fractals = fractals;
        this.executor = executor;
    }

    // no "produces = image/png" on the mappings: a failure's problem+json must stay acceptable

    /** {@code GET /fractal.png?width=640&height=480&x=-0.5&y=0&scale=3&iterations=500}: one image, one worker. */
    @GetMapping("/fractal.png")
    public ResponseEntity<byte[]> fractal(@RequestParam(defaultValue = "640") int width, @RequestParam(defaultValue = "480") int height,
            @RequestParam(defaultValue = "-0.5") double x, @RequestParam(defaultValue = "0") double y,
            @RequestParam(defaultValue = "3") double scale, @RequestParam(defaultValue = "500") int iterations) {
        RenderedImage image = fractals.render(width, height, x, y, scale, iterations);
        return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).header("X-Worker-Pid", Long.toString(image.workerPid()))
                .header("X-Render-Millis", Long.toString(image.millis())).body(image.png());
    }

    /**
     * {@code GET /zoom.png?frames=12&size=160}: a zoom into the set, one frame per item of a core
     * {@code map} over the pool (watch it on the live page), laid out as one strip.
     */
    @GetMapping("/zoom.png")
    public ResponseEntity<byte[]> zoom(@RequestParam(defaultValue = "12") int frames, @RequestParam(defaultValue = "160") int size) {
        ZoomStrip.Result result = ZoomStrip.render(executor, frames, size);
        String pids = result.frames().stream().map(f -> Long.toString(f.workerPid())).distinct().reduce((a, b) -> a + "," + b).orElse("");
        return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).header("X-Frames", Integer.toString(result.frames().size())).header("X-Worker-Pids", pids)
                .body(result.png());
    }

    /**
     * {@code GET /tiles?count=4}: that many {@code CompletableFuture} renders at once, spread over the
     * workers; answers which worker made each and how long it took.
     */
    @GetMapping("/tiles")
    public List<Map<String, Object>> tiles(@RequestParam(defaultValue = "4") int count) {
        if (count < 1 || count > 32) {
            throw new IllegalArgumentException("count must be between 1 and 32, got " + count);
        }
        List<CompletableFuture<RenderedImage>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(fractals.renderAsync(320, 240, -0.75 + 0.05 * i, 0.1, 0.5, 800));
        }
        return futures.stream().map(CompletableFuture::join).map(image -> {
            Map<String, Object> tile = new LinkedHashMap<>();
            tile.put("workerPid", image.workerPid());
            tile.put("millis", image.millis());
            tile.put("bytes", image.png().length);
            return tile;
        }).toList();
    }

    /** {@code GET /whoami}: served by a worker (compare its pid with this service's). */
    @GetMapping("/whoami")
    public WorkerInfo whoAmI() {
        return fractals.whoAmI();
    }
}
