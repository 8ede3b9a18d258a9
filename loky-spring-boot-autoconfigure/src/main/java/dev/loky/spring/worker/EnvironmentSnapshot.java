package dev.loky.spring.worker;

import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The property sources that a parent application resolved, as plain string key/values in their
 * order, so that a worker's environment sees the same configuration.
 *
 * <p>Left out, because the worker rebuilds them itself: the application's configuration files
 * (the worker loads the same files from the same classpath and working directory, plus the
 * {@code loky-worker} profile's files in their right precedence), the environment variables (the
 * worker inherits them; only a placeholder keeps their position), {@code random.*}, application
 * info (pid, version), command-line arguments (passed to the worker's {@code SpringApplication}
 * as arguments) and non-enumerable sources. The parent's system properties are kept, below the
 * worker's own (so that {@code java.class.path}, {@code loky.worker.process} and friends are the
 * worker's).
 */
public final class EnvironmentSnapshot implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The source that forces worker settings (web type none, lazy initialization, ...), first in the worker. */
    public static final String WORKER_SOURCE_NAME = "lokyWorker";

    static final String CONFIG_DATA_PREFIX = "Config resource '";

    private final List<Source> sources;

    private EnvironmentSnapshot(List<Source> sources) {
        this.sources = sources;
    }

    /**
     * Captures the parent's property sources.
     *
     * @param argumentsPassed whether the command-line arguments travel as arguments (then the
     *     {@code commandLineArgs} source is left out)
     */
    public static EnvironmentSnapshot capture(ConfigurableEnvironment environment, boolean argumentsPassed) {
        List<Source> sources = new ArrayList<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            String name = source.getName();
            if (name.equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
                sources.add(new Source(name, null));
                continue;
            }
            if (!(source instanceof EnumerablePropertySource<?> enumerable) || skipped(source, argumentsPassed)) {
                continue;
            }
            LinkedHashMap<String, String> values = new LinkedHashMap<>();
            for (String key : enumerable.getPropertyNames()) {
                Object value;
                try {
                    value = enumerable.getProperty(key);
                } catch (RuntimeException ex) {
                    continue;
                }
                if (value != null) {
                    values.put(key, String.valueOf(value));
                }
            }
            sources.add(new Source(name, values));
        }
        return new EnvironmentSnapshot(List.copyOf(sources));
    }

    private static boolean skipped(PropertySource<?> source, boolean argumentsPassed) {
        String name = source.getName();
        return name.startsWith(CONFIG_DATA_PREFIX) || name.equals(WORKER_SOURCE_NAME) || name.equals("applicationInfo")
                || name.equals("random") || (argumentsPassed && name.equals("commandLineArgs"))
                || ConfigurationPropertySources.isAttachedConfigurationPropertySource(source);
    }

    /** The names of the captured sources, in order (for tests and logs). */
    public List<String> sourceNames() {
        return sources.stream().map(Source::name).toList();
    }

    /** The captured value of a property in a named source, or {@code null}. */
    public String value(String sourceName, String key) {
        return sources.stream().filter(s -> s.name().equals(sourceName) && s.values() != null).map(s -> s.values().get(key))
                .filter(v -> v != null).findFirst().orElse(null);
    }

    /**
     * A fresh environment for the worker: {@code forced} first, then the parent's sources in the
     * parent's order, with the worker's own environment variables and system properties in place.
     */
    public StandardEnvironment toWorkerEnvironment(Map<String, Object> forced) {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources target = environment.getPropertySources();
        PropertySource<?> ownEnvironment = target.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        target.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        target.addFirst(new MapPropertySource(WORKER_SOURCE_NAME, new LinkedHashMap<>(forced)));
        for (Source source : sources) {
            if (source.values() == null) {
                target.addLast(ownEnvironment);
            } else if (source.name().equals(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)) {
                target.addLast(new WorkerSystemProperties(new LinkedHashMap<>(source.values())));
            } else {
                target.addLast(new MapPropertySource(source.name(), new LinkedHashMap<>(source.values())));
            }
        }
        if (!target.contains(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)) {
            target.addLast(new WorkerSystemProperties(new LinkedHashMap<>()));
        }
        if (!target.contains(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)) {
            target.addLast(ownEnvironment);
        }
        return environment;
    }

    private record Source(String name, LinkedHashMap<String, String> values) implements Serializable {
    }

    /** The worker's live system properties, over the parent's. */
    static final class WorkerSystemProperties extends EnumerablePropertySource<Map<String, String>> {

        WorkerSystemProperties(Map<String, String> parent) {
            super(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME, parent);
        }

        @Override
        public Object getProperty(String name) {
            String own = System.getProperty(name);
            return own != null ? own : getSource().get(name);
        }

        @Override
        public boolean containsProperty(String name) {
            return System.getProperties().containsKey(name) || getSource().containsKey(name);
        }

        @Override
        public String[] getPropertyNames() {
            Set<String> names = new LinkedHashSet<>(System.getProperties().stringPropertyNames());
            names.addAll(getSource().keySet());
            return names.toArray(String[]::new);
        }
    }
}
