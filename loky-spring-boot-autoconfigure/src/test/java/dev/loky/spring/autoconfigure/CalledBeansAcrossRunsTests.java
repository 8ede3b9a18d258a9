package dev.loky.spring.autoconfigure;

import dev.loky.PoolConfig;
import dev.loky.spring.LokyProperties;
import dev.loky.spring.worker.WorkerContextInitializer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.env.StandardEnvironment;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configured pool starts from the beans the application called in its earlier runs, with
 * the start-up cache on and outside tests only (a real private cache directory).
 */
class CalledBeansAcrossRunsTests {

    private static final List<String> SOURCES = List.of("com.example.App");

    @TempDir
    Path cacheDir;

    @Test
    void aRunStartsFromTheBeansTheRunBeforeItCalled() {
        WorkerContextInitializer firstRun = initializer(properties(), false);
        assertThat(firstRun.calledBeans()).isEmpty();
        firstRun.called("clinicService", ClinicService.class);

        assertThat(initializer(properties(), false).calledBeans()).containsExactly("clinicService");
    }

    @Test
    void testsAndAnOffStartupCacheNeitherReadNorWriteIt() {
        initializer(properties(), false).called("clinicService", ClinicService.class);

        assertThat(initializer(properties(), true).calledBeans()).as("under a test").isEmpty();
        LokyProperties off = properties();
        off.getWorker().setStartupCache(LokyProperties.StartupCache.OFF);
        assertThat(initializer(off, false).calledBeans()).as("startup cache off").isEmpty();
    }

    public static class ClinicService {
        @dev.loky.spring.ProcessAsync
        public int visits() {
            return 1;
        }
    }

    private LokyProperties properties() {
        LokyProperties properties = new LokyProperties();
        properties.getWorker().setCacheDir(cacheDir.resolve("loky").toFile());
        return properties;
    }

    private static WorkerContextInitializer initializer(LokyProperties properties, boolean testRun) {
        PoolConfig config = new PropertiesPoolConfigBuilder(properties, new StandardEnvironment(), new DefaultListableBeanFactory(), new String[0],
                List.of(), List.of(), SOURCES, testRun).build();
        return (WorkerContextInitializer) config.initializer();
    }
}
