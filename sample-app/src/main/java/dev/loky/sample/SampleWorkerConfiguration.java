package dev.loky.sample;

import dev.loky.sample.fractal.FractalService;
import dev.loky.sample.trouble.TroubleService;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Service;

/**
 * A narrower worker context, for when a replacement worker must be ready sooner: with
 * {@code loky.worker.sources=dev.loky.sample.SampleWorkerConfiguration} the sample's workers boot
 * only the {@code @Service}s that hold its {@code @ProcessAsync} methods, Jackson configured by the
 * application's {@code spring.jackson.*} settings (the parent and the workers must read and write
 * call values alike) and strict {@code ${...}} placeholders, instead of the application's whole
 * auto-configuration. What the services do not need (the metrics, task executors, HTTP message
 * converters and the rest) is then not even evaluated in a worker. Not the sample's default (see
 * application.yml): docs/spring.md, "A narrower worker context", says what a worker gives up this
 * way, and docs/benchmarks.md what it saves. Its profile ({@code loky-worker}, always active in
 * workers and only there) keeps it out of the application's own component scan.
 */
@Profile("loky-worker")
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = {FractalService.class, TroubleService.class}, useDefaultFilters = false,
        includeFilters = @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = Service.class))
@ImportAutoConfiguration({JacksonAutoConfiguration.class, PropertyPlaceholderAutoConfiguration.class})
public class SampleWorkerConfiguration {
}
