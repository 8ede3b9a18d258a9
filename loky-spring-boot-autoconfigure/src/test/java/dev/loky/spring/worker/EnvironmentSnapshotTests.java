package dev.loky.spring.worker;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.SerializationUtils;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentSnapshotTests {

    @Test
    void capturesSourcesInOrderLeavingOutWhatTheWorkerRebuilds() {
        StandardEnvironment parent = new StandardEnvironment();
        MutablePropertySources sources = parent.getPropertySources();
        sources.addFirst(new MapPropertySource("Inlined Test Properties", Map.of("a", "inline")));
        sources.addFirst(new SimpleCommandLinePropertySource("--a=arg"));
        sources.addLast(new MapPropertySource("Config resource 'class path resource [application.properties]' via location 'optional:classpath:/'",
                Map.of("a", "file")));
        sources.addLast(new MapPropertySource("defaultProperties", Map.of("b", 2)));

        EnvironmentSnapshot snapshot = EnvironmentSnapshot.capture(parent, true);

        assertThat(snapshot.sourceNames()).containsExactly("Inlined Test Properties", "systemProperties", "systemEnvironment", "defaultProperties");
        assertThat(snapshot.value("defaultProperties", "b")).isEqualTo("2");

        EnvironmentSnapshot withArgs = EnvironmentSnapshot.capture(parent, false);
        assertThat(withArgs.sourceNames()).startsWith("commandLineArgs");
    }

    @Test
    void workerEnvironmentPutsForcedFirstAndKeepsTheWorkersOwnSystemValues() {
        StandardEnvironment parent = new StandardEnvironment();
        parent.getPropertySources().addFirst(new MapPropertySource("custom", Map.of("demo.value", "parent", "spring.main.web-application-type", "servlet")));
        String key = "loky.snapshot.test." + System.nanoTime();
        EnvironmentSnapshot snapshot = EnvironmentSnapshot.capture(parent, true);
        snapshot = SerializationUtils.clone(snapshot);

        System.setProperty(key, "worker");
        try {
            StandardEnvironment worker = snapshot.toWorkerEnvironment(Map.of("spring.main.web-application-type", "none"));
            List<String> names = worker.getPropertySources().stream().map(PropertySource::getName).toList();
            assertThat(names).containsExactly(EnvironmentSnapshot.WORKER_SOURCE_NAME, "custom", "systemProperties", "systemEnvironment");
            assertThat(worker.getProperty("demo.value")).isEqualTo("parent");
            assertThat(worker.getProperty("spring.main.web-application-type")).isEqualTo("none");
            assertThat(worker.getProperty(key)).isEqualTo("worker");
            assertThat(worker.getProperty("java.class.path")).isEqualTo(System.getProperty("java.class.path"));
        } finally {
            System.clearProperty(key);
        }
    }

    @Test
    void parentSystemPropertiesReachTheWorkerBelowItsOwn() {
        StandardEnvironment parent = new StandardEnvironment();
        String key = "loky.snapshot.parent." + System.nanoTime();
        System.setProperty(key, "parent-only");
        EnvironmentSnapshot snapshot;
        try {
            snapshot = SerializationUtils.clone(EnvironmentSnapshot.capture(parent, true));
        } finally {
            System.clearProperty(key);
        }
        StandardEnvironment worker = snapshot.toWorkerEnvironment(Map.of());
        assertThat(worker.getProperty(key)).isEqualTo("parent-only");
    }
}
