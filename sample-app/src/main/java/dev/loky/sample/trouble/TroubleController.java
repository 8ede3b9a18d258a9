package dev.loky.sample.trouble;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /misbehave/...}: endpoints that break their worker on purpose. Each answers an RFC 9457
 * problem (see {@link dev.loky.sample.web.WorkerProblems}) and the service stays healthy.
 */
@RestController
@RequestMapping("/misbehave")
public class TroubleController {

    private final TroubleService trouble;

    public TroubleController(TroubleService trouble) {
        this.trouble = trouble;
    }

    /** {@code POST /misbehave/exit?code=3}: 502, the worker called {@code System.exit(3)}. */
    @PostMapping("/exit")
    public int exit(@RequestParam(defaultValue = "3") int code) {
        return trouble.exit(code);
    }

    /** {@code POST /misbehave/segfault}: 502, the worker died of SIGSEGV. */
    @PostMapping("/segfault")
    public int segfault() throws Exception {
        return trouble.segfault();
    }

    /** {@code POST /misbehave/oom}: 507, the worker ran out of heap. */
    @PostMapping("/oom")
    public int oom() {
        return trouble.exhaustMemory();
    }

    /** {@code POST /misbehave/hang?seconds=30}: 504 after {@code sample.hang-timeout} (2 s). */
    @PostMapping("/hang")
    public long hang(@RequestParam(defaultValue = "30") long seconds) {
        return trouble.hang(seconds);
    }

    /** {@code POST /misbehave/leak?mb=40}: 200; call it a few times and the worker is recycled. */
    @PostMapping("/leak")
    public TroubleService.LeakReport leak(@RequestParam(defaultValue = "40") int mb) {
        if (mb < 1 || mb > 100) {
            throw new IllegalArgumentException("mb must be between 1 and 100, got " + mb);
        }
        return trouble.leak(mb);
    }

    /** {@code POST /misbehave/fire-and-forget}: 202 at once; the failure is logged, not thrown. */
    @PostMapping("/fire-and-forget")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public void fireAndForget(@RequestParam(defaultValue = "nobody listens") String message) {
        trouble.failLater(message);
    }
}
