package dev.loky.benchmarks.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application of {@link dev.loky.benchmarks.ProcessAsyncRoundTripBenchmark}: one service, no web. */
@SpringBootApplication(proxyBeanMethods = false)
public class BenchmarkApplication {
}
