package dev.loky;

import dev.loky.serialization.JavaTaskSerializer;
import dev.loky.serialization.TaskSerializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The immutable configuration of a pool. Build one with {@link #builder()}; every setter checks its
 * argument and names it in the error.
 *
 * <p>Two configurations that differ only in {@link #maxWorkers()} are <em>compatible</em>: the
 * reusable executor is resized rather than rebuilt between them.
 */
public final class PoolConfig {

    /** The default idle timeout, as loky's. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
    /** The default startup timeout. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** The default leak threshold: 100 MB. */
    public static final long DEFAULT_LEAK_THRESHOLD_BYTES = 100L * 1024 * 1024;
    /** The default grace period between interrupting a cancelled task and killing its worker. */
    public static final Duration DEFAULT_CANCEL_GRACE_PERIOD = Duration.ofSeconds(2);
    /** The default heartbeat timeout. */
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);
    /** The class workers run as their main class unless told otherwise. */
    public static final String WORKER_MAIN_CLASS = "dev.loky.internal.worker.WorkerMain";

    private final int maxWorkers;
    private final Duration idleTimeout;
    private final Duration taskTimeout;
    private final List<String> jvmArgs;
    private final Path javaHome;
    private final Map<String, String> environment;
    private final RemoteRunnable initializer;
    private final int workerMaxTasks;
    private final boolean memoryLeakProtection;
    private final long memoryLeakThresholdBytes;
    private final Duration memoryCheckInterval;
    private final Duration startupTimeout;
    private final boolean prestart;
    private final int spares;
    private final StartMethod startMethod;
    private final TaskSerializer serializer;
    private final Duration cancelGracePeriod;
    private final String classpath;
    private final String mainClass;
    private final Path workingDirectory;
    private final String name;
    private final List<PoolEventListener> listeners;
    private final Path startupCacheDir;
    private final boolean closeOnJvmExit;
    private final int maxWorkersLimit;
    private final int concurrentStarts;
    private final Duration heartbeatTimeout;

    private PoolConfig(Builder b) {
        this.maxWorkers = b.maxWorkers;
        this.idleTimeout = b.idleTimeout;
        this.taskTimeout = b.taskTimeout;
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.javaHome = b.javaHome;
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.initializer = b.initializer;
        this.workerMaxTasks = b.workerMaxTasks;
        this.memoryLeakProtection = b.memoryLeakProtection;
        this.memoryLeakThresholdBytes = b.memoryLeakThresholdBytes;
        this.memoryCheckInterval = b.memoryCheckInterval;
        this.startupTimeout = b.startupTimeout;
        this.prestart = b.prestart;
        this.spares = b.spares;
        this.startMethod = b.startMethod;
        this.serializer = b.serializer;
        this.cancelGracePeriod = b.cancelGracePeriod;
        this.classpath = b.classpath != null ? b.classpath : WorkerClasspath.derive();
        this.mainClass = b.mainClass;
        this.workingDirectory = b.workingDirectory;
        this.name = b.name;
        this.listeners = List.copyOf(b.listeners);
        this.startupCacheDir = b.startupCacheDir;
        this.closeOnJvmExit = b.closeOnJvmExit;
        this.maxWorkersLimit = b.maxWorkersLimit;
        if (maxWorkers > maxWorkersLimit()) {
            throw new IllegalArgumentException("maxWorkers (" + maxWorkers + ") must not be above maxWorkersLimit (" + maxWorkersLimit
                    + "): raise maxWorkersLimit or ask for fewer workers");
        }
        this.concurrentStarts = b.concurrentStarts;
        this.heartbeatTimeout = b.heartbeatTimeout;
    }

    /** A builder with every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Maximum number of workers; default {@code Runtime.availableProcessors()} (container-aware). */
    public int maxWorkers() { return maxWorkers; }
    /** An idle worker exits after this; default 300 s. */
    public Duration idleTimeout() { return idleTimeout; }
    /** A task running longer is killed with its worker; {@code null} = none (the default). */
    public Duration taskTimeout() { return taskTimeout; }
    /** Extra JVM arguments for workers. */
    public List<String> jvmArgs() { return jvmArgs; }
    /** The JDK workers run on: the one set, else the caller's {@code java.home} (never {@code null}). */
    public Path javaHome() { return javaHome != null ? javaHome : Path.of(System.getProperty("java.home")); }
    /** Extra environment variables for workers. */
    public Map<String, String> environment() { return environment; }
    /** Run once in each new worker before its first task, serialized anew as each worker starts (see core.md); {@code null} = none. */
    public RemoteRunnable initializer() { return initializer; }
    /** Recycle a worker after this many tasks; 0 = never. */
    public int workerMaxTasks() { return workerMaxTasks; }
    /** Whether worker memory is watched for leaks. */
    public boolean memoryLeakProtection() { return memoryLeakProtection; }
    /** Retained growth over a worker's reference that makes it recycle. */
    public long memoryLeakThresholdBytes() { return memoryLeakThresholdBytes; }
    /** At most one memory check per this interval. */
    public Duration memoryCheckInterval() { return memoryCheckInterval; }
    /** A worker not ready by then fails with {@link WorkerStartupException}. */
    public Duration startupTimeout() { return startupTimeout; }
    /** Start every worker when the pool is created. */
    public boolean prestart() { return prestart; }
    /** Started, ready idle workers kept beyond the busy ones, beyond maxWorkers (at most maxWorkers run tasks), so a lost worker is replaced at once. */
    public int spares() { return spares; }
    /** JVMs or threads. */
    public StartMethod startMethod() { return startMethod; }
    /** How tasks, arguments and results are written. */
    public TaskSerializer serializer() { return serializer; }
    /** How long a cancelled running task may ignore its interrupt before its worker is killed. */
    public Duration cancelGracePeriod() { return cancelGracePeriod; }
    /**
     * The workers' classpath: the one set, else the caller's {@code java.class.path}, rebuilt from
     * the caller's class loaders when loky itself is not on it (jshell, {@code mvn exec:java}).
     */
    public String classpath() { return classpath; }
    /** The workers' main class; default {@value #WORKER_MAIN_CLASS}. */
    public String mainClass() { return mainClass; }
    /** The workers' working directory: the one set, else the caller's {@code user.dir} (never {@code null}). */
    public Path workingDirectory() { return workingDirectory != null ? workingDirectory : Path.of(System.getProperty("user.dir")); }
    /** Whether loky's JVM shutdown hook closes this pool (default {@code true}; {@code false}: its owner, e.g. a Spring context, does). */
    public boolean closeOnJvmExit() { return closeOnJvmExit; }
    /** A name for threads and log lines. */
    public String name() { return name; }
    /** Listeners told about tasks and workers. */
    public List<PoolEventListener> listeners() { return listeners; }
    /** Where worker start-up caches live (dynamic CDS on JDK 17–24, AOT cache on 25+); {@code null} (default) = none. */
    public Path startupCacheDir() { return startupCacheDir; }

    /**
     * The most workers {@code resize} may ask for; a larger request fails with
     * {@code IllegalArgumentException}. Default: 4 × available processors, at least {@link #maxWorkers()}.
     */
    public int maxWorkersLimit() {
        return maxWorkersLimit == 0 ? Math.max(4 * Runtime.getRuntime().availableProcessors(), maxWorkers) : maxWorkersLimit;
    }
    /**
     * Checks a size asked of {@code resize}: at least 1 and at most {@link #maxWorkersLimit()}.
     *
     * @return {@code maxWorkers}
     * @throws IllegalArgumentException naming the limit and how to raise it
     */
    public int checkResize(int maxWorkers) {
        if (maxWorkers <= 0) {
            throw new IllegalArgumentException("maxWorkers must be > 0, but was " + maxWorkers);
        }
        if (maxWorkers > maxWorkersLimit()) {
            throw new IllegalArgumentException("maxWorkers " + maxWorkers + " is above the pool's limit of " + maxWorkersLimit()
                    + " (maxWorkersLimit, loky.max-workers-limit in Spring): ask for fewer, or raise the limit where the pool is configured");
        }
        return maxWorkers;
    }

    /** At most this many workers start at once; the rest wait their turn (default: available processors). */
    public int concurrentStarts() { return concurrentStarts; }
    /**
     * A worker that sends no heartbeat for this long (frozen, swapped out, a long pause) is killed,
     * its task failing with {@link TerminatedWorkerException}; default 30 s.
     */
    public Duration heartbeatTimeout() { return heartbeatTimeout; }

    /**
     * {@code true} when {@code other} differs from this at most in {@link #maxWorkers()}, and its
     * size is within this configuration's {@link #maxWorkersLimit()} (so a pool built from this one
     * may be resized to it).
     */
    public boolean isCompatibleWith(PoolConfig other) {
        return other != null && other.maxWorkers <= maxWorkersLimit()
                && toBuilder().maxWorkers(1).build().equals(other.toBuilder().maxWorkers(1).build());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PoolConfig c)) {
            return false;
        }
        return maxWorkers == c.maxWorkers && workerMaxTasks == c.workerMaxTasks
                && memoryLeakProtection == c.memoryLeakProtection
                && memoryLeakThresholdBytes == c.memoryLeakThresholdBytes && prestart == c.prestart && spares == c.spares
                && idleTimeout.equals(c.idleTimeout) && Objects.equals(taskTimeout, c.taskTimeout)
                && jvmArgs.equals(c.jvmArgs) && Objects.equals(javaHome, c.javaHome)
                && environment.equals(c.environment) && initializer == c.initializer
                && memoryCheckInterval.equals(c.memoryCheckInterval) && startupTimeout.equals(c.startupTimeout)
                && startMethod == c.startMethod && serializer.equals(c.serializer)
                && cancelGracePeriod.equals(c.cancelGracePeriod) && Objects.equals(classpath, c.classpath)
                && mainClass.equals(c.mainClass) && Objects.equals(workingDirectory, c.workingDirectory)
                && name.equals(c.name) && listeners.equals(c.listeners)
                && Objects.equals(startupCacheDir, c.startupCacheDir) && maxWorkersLimit == c.maxWorkersLimit
                && concurrentStarts == c.concurrentStarts && heartbeatTimeout.equals(c.heartbeatTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxWorkers, idleTimeout, taskTimeout, jvmArgs, javaHome, environment, workerMaxTasks,
                startMethod, classpath, mainClass, name);
    }

    @Override
    public String toString() {
        return "PoolConfig[name=" + name + ", maxWorkers=" + maxWorkers + ", startMethod=" + startMethod
                + ", idleTimeout=" + idleTimeout + ", taskTimeout=" + taskTimeout + ", jvmArgs=" + jvmArgs
                + ", workerMaxTasks=" + workerMaxTasks + ", memoryLeakProtection=" + memoryLeakProtection
                + ", memoryLeakThresholdBytes=" + memoryLeakThresholdBytes + ", prestart=" + prestart + "]";
    }

    /** Builds a {@link PoolConfig}. Not thread-safe. */
    public static final class Builder {
        private int maxWorkers = Runtime.getRuntime().availableProcessors();
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration taskTimeout;
        private List<String> jvmArgs = new ArrayList<>();
        private Path javaHome;
        private Map<String, String> environment = new LinkedHashMap<>();
        private RemoteRunnable initializer;
        private int workerMaxTasks;
        private boolean memoryLeakProtection = true;
        private long memoryLeakThresholdBytes = DEFAULT_LEAK_THRESHOLD_BYTES;
        private Duration memoryCheckInterval = Duration.ofSeconds(1);
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private boolean prestart;
        private int spares;
        private StartMethod startMethod = StartMethod.SPAWN;
        private TaskSerializer serializer = JavaTaskSerializer.INSTANCE;
        private Duration cancelGracePeriod = DEFAULT_CANCEL_GRACE_PERIOD;
        private String classpath;
        private String mainClass = WORKER_MAIN_CLASS;
        private Path workingDirectory;
        private String name = "loky";
        private List<PoolEventListener> listeners = new ArrayList<>();
        private Path startupCacheDir;
        private boolean closeOnJvmExit = true;
        private int maxWorkersLimit;
        private int concurrentStarts = Runtime.getRuntime().availableProcessors();
        private Duration heartbeatTimeout = DEFAULT_HEARTBEAT_TIMEOUT;

        private Builder() {
        }

        private Builder(PoolConfig c) {
            maxWorkers = c.maxWorkers;
            idleTimeout = c.idleTimeout;
            taskTimeout = c.taskTimeout;
            jvmArgs = new ArrayList<>(c.jvmArgs);
            javaHome = c.javaHome;
            environment = new LinkedHashMap<>(c.environment);
            initializer = c.initializer;
            workerMaxTasks = c.workerMaxTasks;
            memoryLeakProtection = c.memoryLeakProtection;
            memoryLeakThresholdBytes = c.memoryLeakThresholdBytes;
            memoryCheckInterval = c.memoryCheckInterval;
            startupTimeout = c.startupTimeout;
            prestart = c.prestart;
            spares = c.spares;
            startMethod = c.startMethod;
            serializer = c.serializer;
            cancelGracePeriod = c.cancelGracePeriod;
            classpath = c.classpath;
            mainClass = c.mainClass;
            workingDirectory = c.workingDirectory;
            name = c.name;
            listeners = new ArrayList<>(c.listeners);
            startupCacheDir = c.startupCacheDir;
            closeOnJvmExit = c.closeOnJvmExit;
            maxWorkersLimit = c.maxWorkersLimit;
            concurrentStarts = c.concurrentStarts;
            heartbeatTimeout = c.heartbeatTimeout;
        }

        public Builder maxWorkers(int maxWorkers) {
            this.maxWorkers = Checks.positive("maxWorkers", maxWorkers);
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Checks.positive("idleTimeout", idleTimeout);
            return this;
        }

        /** {@code null} = no timeout. */
        public Builder taskTimeout(Duration taskTimeout) {
            this.taskTimeout = Checks.positiveOrNull("taskTimeout", taskTimeout, "none");
            return this;
        }

        public Builder jvmArgs(List<String> jvmArgs) {
            this.jvmArgs = new ArrayList<>(Checks.noBlankEntries("jvmArgs", jvmArgs));
            return this;
        }

        public Builder jvmArgs(String... jvmArgs) {
            return jvmArgs(List.of(jvmArgs));
        }

        /** {@code null} = the parent's {@code java.home}. */
        public Builder javaHome(Path javaHome) {
            this.javaHome = javaHome;
            return this;
        }

        public Builder environment(Map<String, String> environment) {
            this.environment = new LinkedHashMap<>(Objects.requireNonNull(environment, "environment must not be null"));
            return this;
        }

        /** {@code null} = none. */
        public Builder initializer(RemoteRunnable initializer) {
            this.initializer = initializer;
            return this;
        }

        public Builder workerMaxTasks(int workerMaxTasks) {
            this.workerMaxTasks = Checks.notNegative("workerMaxTasks", workerMaxTasks, "unlimited");
            return this;
        }

        public Builder memoryLeakProtection(boolean enabled) {
            this.memoryLeakProtection = enabled;
            return this;
        }

        public Builder memoryLeakThresholdBytes(long bytes) {
            this.memoryLeakThresholdBytes = Checks.positive("memoryLeakThresholdBytes", bytes);
            return this;
        }

        public Builder memoryCheckInterval(Duration interval) {
            this.memoryCheckInterval = Checks.positive("memoryCheckInterval", interval);
            return this;
        }

        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Checks.positive("startupTimeout", startupTimeout);
            return this;
        }

        public Builder prestart(boolean prestart) {
            this.prestart = prestart;
            return this;
        }

        /**
         * Idle workers to keep started and ready beyond the busy ones (default 0), beyond
         * {@code maxWorkers}: at most {@code maxWorkers} run tasks, up to {@code spares} more stand
         * by, so that a crashed, timed-out or recycled worker's replacement is already warm and an
         * idle timeout never shrinks the pool below them.
         */
        public Builder spares(int spares) {
            this.spares = Checks.notNegative("spares", spares, "none");
            return this;
        }

        public Builder startMethod(StartMethod startMethod) {
            this.startMethod = Objects.requireNonNull(startMethod, "startMethod must not be null");
            return this;
        }

        /**
         * The serializer for tasks and results. Workers build their own instance with its public
         * no-argument constructor, so it must have one.
         */
        public Builder serializer(TaskSerializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer must not be null");
            return this;
        }

        public Builder cancelGracePeriod(Duration grace) {
            this.cancelGracePeriod = Checks.positive("cancelGracePeriod", grace);
            return this;
        }

        /**
         * {@code null} = the parent's {@code java.class.path}, or, when loky itself is not on it
         * (jshell, {@code mvn exec:java}, a runner's own class loader), the jars and directories of
         * the class loaders that loaded loky and the calling thread's context, then {@code java.class.path}.
         */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        /**
         * The main class workers are launched with. Only for launchers that end up calling
         * {@code dev.loky.internal.worker.WorkerMain.main} (e.g. Spring Boot's {@code PropertiesLauncher}
         * with {@code -Dloader.main=dev.loky.internal.worker.WorkerMain}).
         */
        public Builder mainClass(String mainClass) {
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass must not be null");
            return this;
        }

        /** {@code null} = the parent's working directory. */
        public Builder workingDirectory(Path workingDirectory) {
            this.workingDirectory = workingDirectory;
            return this;
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name must not be null");
            return this;
        }

        public Builder addListener(PoolEventListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /** Where worker start-up caches live; {@code null} = no cache. */
        public Builder startupCacheDir(Path dir) {
            this.startupCacheDir = dir;
            return this;
        }

        /**
         * {@code false}: the pool has an owner that closes it (a Spring application context does,
         * draining for {@code loky.shutdown-timeout}), so loky's JVM shutdown hook leaves it alone
         * instead of killing its workers while the owner is still draining.
         */
        public Builder closeOnJvmExit(boolean closeOnJvmExit) {
            this.closeOnJvmExit = closeOnJvmExit;
            return this;
        }

        /** The most workers {@code resize} may ask for; 0 (default) = 4 × available processors, at least maxWorkers. */
        public Builder maxWorkersLimit(int limit) {
            this.maxWorkersLimit = Checks.notNegative("maxWorkersLimit", limit, "the default");
            return this;
        }

        /** At most this many workers start at once (default: available processors). */
        public Builder concurrentStarts(int starts) {
            this.concurrentStarts = Checks.positive("concurrentStarts", starts);
            return this;
        }

        /** A worker silent for this long is killed and its task fails (default 30 s). */
        public Builder heartbeatTimeout(Duration timeout) {
            this.heartbeatTimeout = Checks.positive("heartbeatTimeout", timeout);
            return this;
        }

        public PoolConfig build() {
            return new PoolConfig(this);
        }
    }
}
