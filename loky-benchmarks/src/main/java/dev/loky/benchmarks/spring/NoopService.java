package dev.loky.benchmarks.spring;

import dev.loky.spring.ProcessAsync;
import org.springframework.stereotype.Service;

/** A bean whose only method runs in a worker JVM and does nothing. */
@Service
public class NoopService {

    /** An isolated synchronous call: the caller blocks for the worker's answer. */
    @ProcessAsync
    public int noop(int value) {
        return value;
    }
}
