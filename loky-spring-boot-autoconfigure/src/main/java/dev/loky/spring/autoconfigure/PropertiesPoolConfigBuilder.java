package dev.loky.spring.autoconfigure;

import dev.loky.PoolConfig;
import dev.loky.PoolEventListener;
import dev.loky.StartMethod;
import dev.loky.internal.pool.cache.CacheDirectory;
import dev.loky.spring.InvalidLokyPropertyException;
import dev.loky.spring.LokyPoolConfigBuilder;
import dev.loky.spring.LokyPoolCustomizer;
import dev.loky.spring.LokyProperties;
import dev.loky.spring.worker.CalledBeansMemory;
import dev.loky.spring.worker.WorkerContextAot;
import dev.loky.spring.worker.WorkerContextInitializer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The auto-configured {@link LokyPoolConfigBuilder}: turns {@link LokyProperties} and the
 * application around it into a {@link PoolConfig}. What needs no I/O is read when it is created, on
 * the thread that creates the beans (the worker sources, which ask the bean factory, and whether a
 * test framework runs, whose frames are on that thread); {@link #build()} does the rest.
 */
final class PropertiesPoolConfigBuilder implements LokyPoolConfigBuilder {

    private static final Log logger = LogFactory.getLog(PropertiesPoolConfigBuilder.class);

    /** On every worker's command line: workers never run DevTools' restarter. */
    static final String DEVTOOLS_RESTART_OFF = "-Dspring.devtools.restart.enabled=false";

    /**
     * On Spring workers' command lines (JDKs that have the flag, Linux): give freed native memory
     * back to the OS every two seconds. A Spring worker's boot leaves 20-30 MiB of C2 compiler
     * arenas and other malloc'd memory that glibc keeps; measured on loky-it-realapp's JPA worker,
     * idle RSS 197 MiB without, 168 MiB with (docs/benchmarks.md). It costs no speed: the trim
     * runs on its own thread, outside safepoints, and only when there is something to return.
     */
    static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=2000";

    /**
     * On Spring workers' command lines unless {@code loky.worker.jvm-args} names a collector. The
     * core's default is G1, for batch jobs that allocate heavily; a Spring worker mostly idles
     * between calls, and there G1's own structures cost more: measured on loky-it-realapp's JPA
     * worker 3 s after its call, idle RSS 171-193 MiB serial against 224-226 MiB G1, ready and call times within noise
     * (docs/benchmarks.md, stop 21).
     */
    static final String SERIAL_GC = "-XX:+UseSerialGC";

    private static final String TRIM_NATIVE_HEAP_PREFIX = "-XX:TrimNativeHeapInterval";

    private final LokyProperties properties;
    private final ConfigurableEnvironment environment;
    private final ListableBeanFactory beanFactory;
    private final String[] arguments;
    private final List<PoolEventListener> listeners;
    private final List<LokyPoolCustomizer> customizers;
    private final List<String> sources;
    /** Under a test framework the called beans of earlier runs are not remembered. */
    private final boolean testRun;

    PropertiesPoolConfigBuilder(LokyProperties properties, ConfigurableEnvironment environment, ListableBeanFactory beanFactory,
            String[] arguments, List<PoolEventListener> listeners, List<LokyPoolCustomizer> customizers) {
        this(properties, environment, beanFactory, arguments, listeners, customizers, null, TestRuns.isAnyTest());
    }

    /** @param sources the worker context's configuration classes; {@code null}: {@link #sources() found} now */
    PropertiesPoolConfigBuilder(LokyProperties properties, ConfigurableEnvironment environment, ListableBeanFactory beanFactory,
            String[] arguments, List<PoolEventListener> listeners, List<LokyPoolCustomizer> customizers, List<String> sources,
            boolean testRun) {
        this.properties = properties;
        this.environment = environment;
        this.beanFactory = beanFactory;
        this.arguments = arguments;
        this.listeners = List.copyOf(listeners);
        this.customizers = List.copyOf(customizers);
        this.testRun = testRun;
        this.sources = sources != null ? List.copyOf(sources)
                : properties.getStartMethod() == StartMethod.SPAWN ? sources() : List.of();
    }

    /** What the pool is known to be before it is built: its size and start method, from the properties. */
    static PoolConfig known(LokyProperties properties) {
        return PoolConfig.builder().name("loky").maxWorkers(properties.getMaxWorkers())
                .maxWorkersLimit(properties.maxWorkersLimitInForce())
                .startMethod(properties.getStartMethod()).build();
    }

    @Override
    public PoolConfig build() {
        return build(() -> { });
    }

    /** @param validated run once the workers' JVM arguments are checked (the rest may take longer) */
    PoolConfig build(Runnable validated) {
        LokyProperties.Worker worker = properties.getWorker();
        LokyProperties.Memory memory = properties.getMemory();
        PoolConfig.Builder builder = PoolConfig.builder()
                .name("loky")
                // the context owns this pool (ProcessExecutorCloser): the JVM hook must not kill it mid-drain
                .closeOnJvmExit(false)
                .maxWorkers(properties.getMaxWorkers())
                .maxWorkersLimit(properties.maxWorkersLimitInForce())
                .heartbeatTimeout(worker.getHeartbeatTimeout())
                .idleTimeout(properties.getIdleTimeout())
                .taskTimeout(properties.getTaskTimeout())
                // loky.prestart starts the workers when the application is ready (see lokyPrestart)
                .prestart(false)
                .startMethod(properties.getStartMethod())
                .workerMaxTasks(worker.getMaxTasks())
                .spares(worker.getSpares())
                .startupTimeout(worker.getStartupTimeout())
                .javaHome(worker.getJavaHome() == null ? null : worker.getJavaHome().toPath())
                .memoryLeakProtection(memory.isLeakProtection())
                .memoryLeakThresholdBytes(memory.getLeakThreshold().toBytes())
                .memoryCheckInterval(memory.getCheckInterval());
        List<String> jvmArgs = new ArrayList<>(worker.getJvmArgs());
        if (properties.getStartMethod() == StartMethod.SPAWN) {
            if (!jvmArgs.isEmpty() || worker.getJavaHome() != null) {
                // with the startup cache on, an accepted combination is remembered: a restart starts no JVM for the check
                WorkerJvmCheck.check(worker.getJavaHome(), jvmArgs, worker.getStartupCache() == LokyProperties.StartupCache.AUTO
                        ? CacheDirectory.open(cacheDir(worker)) : Optional.empty());
            }
            // DevTools' restarter reads only this system property (not the Environment): without it a
            // worker's main thread waits in Restarter.immediateRestart and the worker never gets ready
            jvmArgs.add(0, DEVTOOLS_RESTART_OFF);
            if (jvmArgs.stream().noneMatch(arg -> arg.matches("-XX:\\+Use\\w*GC"))) {
                jvmArgs.add(1, SERIAL_GC);
            }
            if (worker.getJavaHome() == null && trimsNativeHeap(Runtime.version(), System.getProperty("os.name"))
                    && jvmArgs.stream().noneMatch(arg -> arg.startsWith(TRIM_NATIVE_HEAP_PREFIX))) {
                jvmArgs.add(0, TRIM_NATIVE_HEAP);
            }
            validated.run();
            Optional<FatJarLaunch> fatJar = FatJarLaunch.detect();
            Optional<Path> extracted = fatJar.isPresent() && worker.getStartupCache() == LokyProperties.StartupCache.AUTO
                    && Path.of(fatJar.get().classpath()).toFile().isFile()
                    ? ExtractedJar.of(Path.of(fatJar.get().classpath()), cacheDir(worker),
                            worker.getJavaHome() == null ? null : worker.getJavaHome().toPath(), worker.getCacheMaxSize().toBytes())
                    : Optional.empty();
            if (extracted.isPresent()) {
                // plain jars: workers run WorkerMain directly, and class-data sharing can archive them
                builder.classpath(extracted.get().toString());
                logger.debug("Running from an executable jar: workers run on its extracted layout " + extracted.get());
            } else if (fatJar.isPresent()) {
                builder.classpath(fatJar.get().classpath()).mainClass(FatJarLaunch.LAUNCHER);
                jvmArgs.add(FatJarLaunch.LOADER_MAIN_ARGUMENT);
                logger.debug("Running from an executable jar: workers start " + FatJarLaunch.LAUNCHER + " on " + fatJar.get().classpath());
            }
            WorkerContextInitializer initializer = WorkerContextInitializer.capture(environment, sources, worker.getProfiles(), arguments);
            builder.initializer(initializer);
            if (worker.getStartupCache() == LokyProperties.StartupCache.AUTO) {
                builder.startupCacheDir(cacheDir(worker));
                Optional<Path> privateDir = CacheDirectory.open(cacheDir(worker));
                privateDir.ifPresent(dir -> CacheDirectory.prune(dir, worker.getCacheMaxSize().toBytes()));
                if (!testRun) {
                    String classpath = builder.build().classpath();
                    privateDir.ifPresent(dir -> initializer.rememberIn(CalledBeansMemory.in(dir, sources, classpath)));
                }
            }
        }
        builder.jvmArgs(jvmArgs);
        listeners.forEach(builder::addListener);
        customizers.forEach(customizer -> customizer.customize(builder));
        PoolConfig config = builder.build();
        if (config.initializer() instanceof WorkerContextInitializer initializer) {
            useWorkerContextAot(initializer, initializer.sources(), config.classpath()); // on the class path the customizers left
        }
        return config;
    }

    /**
     * Lets workers boot from the worker context's Spring AOT output when the build left one that
     * matches the application (one INFO line either way: start-up time depends on it).
     */
    private static void useWorkerContextAot(WorkerContextInitializer initializer, List<String> sources, String classpath) {
        WorkerContextAot.Check check = WorkerContextAot.check(sources, initializer.profiles(), classpath);
        if (check.initializer() != null) {
            initializer.useAotInitializer(check.initializer());
            logger.info("Workers boot their Spring context from its AOT output (" + check.initializer() + ")");
        } else if (!sources.isEmpty()) {
            logger.info("Workers boot their Spring context without AOT output: " + check.reason());
        }
    }

    /** {@code -XX:TrimNativeHeapInterval} exists from JDK 22, and in 21.0.1+ and 17.0.9+; it acts on glibc only. */
    static boolean trimsNativeHeap(Runtime.Version version, String osName) {
        boolean hasFlag = version.feature() >= 22 || (version.feature() == 21 && version.update() >= 1)
                || (version.feature() == 17 && version.update() >= 9);
        return hasFlag && osName != null && osName.toLowerCase(java.util.Locale.ROOT).contains("linux");
    }

    static Path cacheDir(LokyProperties.Worker worker) {
        return worker.getCacheDir() != null ? worker.getCacheDir().toPath() : CacheDirectory.defaultLocation();
    }

    /** {@code loky.worker.sources}, or the application's {@code @SpringBootConfiguration} classes. */
    List<String> sources() {
        if (!properties.getWorker().getSources().isEmpty()) {
            List<String> configured = properties.getWorker().getSources();
            for (int i = 0; i < configured.size(); i++) {
                if (!ClassUtils.isPresent(configured.get(i), beanFactory instanceof ConfigurableListableBeanFactory c ? c.getBeanClassLoader() : null)) {
                    throw new InvalidLokyPropertyException("loky.worker.sources[" + i + "]", configured.get(i), "no such class on the classpath",
                            "Set loky.worker.sources to fully qualified names of configuration classes (e.g. your @SpringBootApplication "
                                    + "class), or remove it to use the application's @SpringBootConfiguration class.");
                }
            }
            return configured;
        }
        Set<String> sources = new LinkedHashSet<>();
        for (String name : beanFactory.getBeanNamesForAnnotation(SpringBootConfiguration.class)) {
            Class<?> type = beanFactory.getType(name, false);
            if (type != null) {
                sources.add(ClassUtils.getUserClass(type).getName());
            }
        }
        if (sources.isEmpty()) {
            logger.warn("No @SpringBootConfiguration class found and loky.worker.sources is empty: loky workers start without a "
                    + "Spring context, so @ProcessAsync calls will fail in them. Set loky.worker.sources.");
        }
        return new ArrayList<>(sources);
    }
}
