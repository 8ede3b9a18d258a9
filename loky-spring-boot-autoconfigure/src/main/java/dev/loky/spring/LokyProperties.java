package dev.loky.spring;

import dev.loky.StartMethod;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

import java.io.File;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration of the loky worker pool and of {@link ProcessAsync} calls ({@code loky.*}).
 *
 * <p>Every setter checks its value and fails binding with an {@link InvalidLokyPropertyException}
 * that names the property and the fix; the application then fails to start with that report.
 */
@ConfigurationProperties("loky")
public class LokyProperties {

    /**
     * Whether @ProcessAsync methods run in worker JVMs. When false, no pool is created and
     * @ProcessAsync methods run inline in the caller.
     */
    private boolean enabled = true;

    /**
     * Maximum number of workers. Defaults to the number of processors available to this JVM
     * (container-aware). Can be changed at runtime with ProcessExecutor.resize.
     */
    private int maxWorkers = Runtime.getRuntime().availableProcessors();

    /**
     * The most workers a resize (ProcessExecutor.resize or a POST to the loky endpoint) may ask
     * for; a larger request fails with IllegalArgumentException naming this limit. Defaults to 4
     * times the available processors, and never below loky.max-workers.
     */
    private Integer maxWorkersLimit;

    /**
     * How long an idle worker lives before it exits; a new one is started on demand. A bare
     * number means seconds.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration idleTimeout = Duration.ofSeconds(300);

    /**
     * Whether to start every worker as soon as the application is ready (in the background)
     * instead of on demand, so that the first calls do not wait for a worker JVM to start.
     */
    private boolean prestart = false;

    /**
     * How workers run: 'spawn' starts a fresh JVM per worker (full isolation); 'threads' runs
     * tasks on in-process threads (no isolation; for tests of user code and I/O-bound work).
     */
    private StartMethod startMethod = StartMethod.SPAWN;

    /**
     * Default timeout of a task, counted from when a worker receives it. A task running longer is
     * killed together with its worker, which is replaced. None by default; @ProcessAsync(timeout)
     * overrides it per method. A bare number means seconds.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration taskTimeout;

    /**
     * How long closing the application context waits for queued and running tasks to finish before
     * the remaining workers are killed. A bare number means seconds.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration shutdownTimeout = Duration.ofSeconds(30);

    private final Worker worker = new Worker();

    private final Memory memory = new Memory();

    private final Json json = new Json();
    private final Cluster cluster = new Cluster();

    private final Insights insights = new Insights();

    private final Dashboard dashboard = new Dashboard();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getMaxWorkers() {
        return maxWorkers;
    }

    public void setMaxWorkers(int maxWorkers) {
        if (maxWorkers < 1) {
            throw new InvalidLokyPropertyException("loky.max-workers", maxWorkers, "the pool needs at least 1 worker",
                    "Set loky.max-workers to 1 or more, or remove it to use the number of available processors ("
                            + Runtime.getRuntime().availableProcessors() + "). To run @ProcessAsync methods inline, set loky.enabled=false.");
        }
        this.maxWorkers = maxWorkers;
    }

    /** The limit set, or {@code null} for the default (4 × available processors, at least max-workers). */
    public Integer getMaxWorkersLimit() {
        return maxWorkersLimit;
    }

    public void setMaxWorkersLimit(Integer maxWorkersLimit) {
        if (maxWorkersLimit != null && maxWorkersLimit < 1) {
            throw new InvalidLokyPropertyException("loky.max-workers-limit", maxWorkersLimit, "the pool needs at least 1 worker",
                    "Set loky.max-workers-limit to 1 or more, or remove it to allow up to 4 times the available processors.");
        }
        this.maxWorkersLimit = maxWorkersLimit;
    }

    /**
     * The resize limit in force: the one set, else 4 × available processors, at least max-workers.
     *
     * @throws InvalidLokyPropertyException when loky.max-workers is above a limit that was set
     */
    public int maxWorkersLimitInForce() {
        if (maxWorkersLimit == null) {
            return Math.max(4 * Runtime.getRuntime().availableProcessors(), maxWorkers);
        }
        if (maxWorkers > maxWorkersLimit) {
            throw new InvalidLokyPropertyException("loky.max-workers", maxWorkers, "it is above loky.max-workers-limit (" + maxWorkersLimit + ")",
                    "Set loky.max-workers to " + maxWorkersLimit + " or fewer, or raise loky.max-workers-limit.");
        }
        return maxWorkersLimit;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = positive("loky.idle-timeout", idleTimeout, "300s");
    }

    public boolean isPrestart() {
        return prestart;
    }

    public void setPrestart(boolean prestart) {
        this.prestart = prestart;
    }

    public StartMethod getStartMethod() {
        return startMethod;
    }

    public void setStartMethod(StartMethod startMethod) {
        this.startMethod = startMethod == null ? StartMethod.SPAWN : startMethod;
    }

    public Duration getTaskTimeout() {
        return taskTimeout;
    }

    public void setTaskTimeout(Duration taskTimeout) {
        this.taskTimeout = taskTimeout == null ? null : positive("loky.task-timeout", taskTimeout, "30s");
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
            throw new InvalidLokyPropertyException("loky.shutdown-timeout", shutdownTimeout, "it must be zero or positive",
                    "Set loky.shutdown-timeout to a duration such as 30s (0s kills running tasks at once).");
        }
        this.shutdownTimeout = shutdownTimeout;
    }

    public Worker getWorker() {
        return worker;
    }

    public Memory getMemory() {
        return memory;
    }

    public Json getJson() {
        return json;
    }

    public Cluster getCluster() {
        return cluster;
    }

    public Insights getInsights() {
        return insights;
    }

    public Dashboard getDashboard() {
        return dashboard;
    }

    static Duration positive(String property, Duration value, String example) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new InvalidLokyPropertyException(property, value == null ? null : formatDuration(value), "it must be a positive duration",
                    "Set " + property + " to a positive duration such as " + example + " (units: ms, s, m, h, d; a bare number means seconds).");
        }
        return value;
    }

    private static String formatDuration(Duration duration) {
        return duration.isNegative() ? "-" + duration.negated().toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                : duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /** Startup caches for worker JVMs. */
    public enum StartupCache {
        /** A dynamic CDS archive on JDK 17–24, the AOT cache on JDK 25+. */
        AUTO,
        /** No startup cache. */
        OFF
    }

    /** The worker JVMs and their slim Spring context ({@code loky.worker.*}). */
    public static class Worker {

        /**
         * Extra JVM arguments for workers, e.g. -Xmx512m. A list bound from a comma-separated
         * value splits on commas: use the indexed form loky.worker.jvm-args[0]=... for an argument
         * that contains a comma. Checked at startup by running the worker JVM once.
         */
        private List<String> jvmArgs = new ArrayList<>();

        /**
         * JDK that the workers run on (its bin/java). Defaults to the JDK of this application.
         */
        private File javaHome;

        /**
         * Startup cache for faster worker start: 'auto' records a dynamic CDS archive (JDK 17–24)
         * or an AOT cache (JDK 25+) from the first worker and starts later workers from it (used
         * when the classpath holds jars only, e.g. an extracted Spring Boot jar); 'off' disables it.
         */
        private StartupCache startupCache = StartupCache.AUTO;

        /**
         * Directory for startup caches and extracted jars, keyed by JDK, classpath, main class and
         * JVM arguments. Defaults to a private per-user directory: $XDG_CACHE_HOME/loky, else
         * ~/.cache/loky, else loky-<user> under java.io.tmpdir. Workers run what is in it, so it
         * must be owned by the user and writable by no one else (0700; created so when missing);
         * otherwise it is not used and a warning says why.
         */
        private File cacheDir;

        /**
         * Maximum size of the cache directory; the least recently used entries are removed, oldest
         * first, to stay under it. A bare number means megabytes.
         */
        @DataSizeUnit(DataUnit.MEGABYTES)
        private DataSize cacheMaxSize = DataSize.ofGigabytes(1);

        /**
         * Recycle a worker after it ran this many tasks; 0 means never.
         */
        private int maxTasks = 0;

        /**
         * Ready, idle workers kept beyond the busy ones, beyond max-workers (at most max-workers
         * run tasks; up to this many more stand by), so that a crashed, timed-out or recycled
         * worker's replacement is already warm; 0 means none.
         */
        private int spares = 0;

        /**
         * A worker that is not ready (its Spring context refreshed) within this time fails with a
         * WorkerStartupException. A bare number means seconds.
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration startupTimeout = Duration.ofSeconds(60);

        /**
         * A worker that sends no heartbeat for this long (frozen by SIGSTOP, swapped out, a long
         * stop-the-world pause) is killed, and its task fails with TerminatedWorkerException saying
         * it stopped responding. Heartbeats come from a thread of their own, so a long task never
         * misses one. A bare number means seconds.
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration heartbeatTimeout = Duration.ofSeconds(30);

        /**
         * Configuration classes that the worker's slim Spring context boots (fully qualified class
         * names). Defaults to the application's @SpringBootConfiguration (e.g.
         * @SpringBootApplication) class, found automatically.
         */
        private List<String> sources = new ArrayList<>();

        /**
         * Extra profiles active in workers, besides the application's active profiles and the
         * 'loky-worker' profile, which always is.
         */
        private List<String> profiles = new ArrayList<>();

        public List<String> getJvmArgs() {
            return jvmArgs;
        }

        public void setJvmArgs(List<String> jvmArgs) {
            List<String> args = jvmArgs == null ? new ArrayList<>() : new ArrayList<>(jvmArgs);
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i) == null || args.get(i).isBlank()) {
                    throw new InvalidLokyPropertyException("loky.worker.jvm-args[" + i + "]", args.get(i), "a JVM argument must not be blank",
                            "Remove the empty entry from loky.worker.jvm-args.");
                }
            }
            this.jvmArgs = args;
        }

        public File getJavaHome() {
            return javaHome;
        }

        public void setJavaHome(File javaHome) {
            if (javaHome != null && !new File(javaHome, "bin/java").isFile() && !new File(javaHome, "bin/java.exe").isFile()) {
                throw new InvalidLokyPropertyException("loky.worker.java-home", javaHome, "there is no bin/java under it",
                        "Set loky.worker.java-home to the installation directory of a JDK or JRE 17+ (the directory that contains bin/java), or remove it to use this application's JDK.");
            }
            this.javaHome = javaHome;
        }

        public StartupCache getStartupCache() {
            return startupCache;
        }

        public void setStartupCache(StartupCache startupCache) {
            this.startupCache = startupCache == null ? StartupCache.AUTO : startupCache;
        }

        public File getCacheDir() {
            return cacheDir;
        }

        public void setCacheDir(File cacheDir) {
            this.cacheDir = cacheDir;
        }

        public DataSize getCacheMaxSize() {
            return cacheMaxSize;
        }

        public void setCacheMaxSize(DataSize cacheMaxSize) {
            if (cacheMaxSize == null || cacheMaxSize.toBytes() <= 0) {
                throw new InvalidLokyPropertyException("loky.worker.cache-max-size", cacheMaxSize, "it must be positive",
                        "Set loky.worker.cache-max-size to a size such as 1GB, or loky.worker.startup-cache=off to use no cache.");
            }
            this.cacheMaxSize = cacheMaxSize;
        }

        public int getMaxTasks() {
            return maxTasks;
        }

        public void setMaxTasks(int maxTasks) {
            if (maxTasks < 0) {
                throw new InvalidLokyPropertyException("loky.worker.max-tasks", maxTasks, "it must not be negative",
                        "Set loky.worker.max-tasks to 0 (never recycle) or to the number of tasks after which a worker is replaced.");
            }
            this.maxTasks = maxTasks;
        }

        public int getSpares() {
            return spares;
        }

        public void setSpares(int spares) {
            if (spares < 0) {
                throw new InvalidLokyPropertyException("loky.worker.spares", spares, "it must not be negative",
                        "Set loky.worker.spares to 0 (no spare workers) or to the number of ready workers to keep beyond the busy ones.");
            }
            this.spares = spares;
        }

        public Duration getStartupTimeout() {
            return startupTimeout;
        }

        public Duration getHeartbeatTimeout() {
            return heartbeatTimeout;
        }

        public void setHeartbeatTimeout(Duration heartbeatTimeout) {
            this.heartbeatTimeout = positive("loky.worker.heartbeat-timeout", heartbeatTimeout, "30s");
        }

        public void setStartupTimeout(Duration startupTimeout) {
            this.startupTimeout = positive("loky.worker.startup-timeout", startupTimeout, "60s");
        }

        public List<String> getSources() {
            return sources;
        }

        public void setSources(List<String> sources) {
            this.sources = sources == null ? new ArrayList<>() : new ArrayList<>(sources);
        }

        public List<String> getProfiles() {
            return profiles;
        }

        public void setProfiles(List<String> profiles) {
            this.profiles = profiles == null ? new ArrayList<>() : new ArrayList<>(profiles);
        }
    }

    /** Memory-leak protection of workers ({@code loky.memory.*}). */
    public static class Memory {

        /**
         * Whether worker memory is watched: a worker whose retained memory grew past the threshold
         * is recycled between tasks.
         */
        private boolean leakProtection = true;

        /**
         * Growth over a worker's reference memory (measured after its first task) that triggers a
         * GC in the worker and, if the growth survives it, a graceful recycle. A bare number means
         * megabytes.
         */
        @DataSizeUnit(DataUnit.MEGABYTES)
        private DataSize leakThreshold = DataSize.ofMegabytes(100);

        /**
         * The heap is looked at after every task and between map items at no cost; this interval
         * spaces the full collections after a false alarm and the reads of the memory outside the heap.
         */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration checkInterval = Duration.ofSeconds(1);

        public boolean isLeakProtection() {
            return leakProtection;
        }

        public void setLeakProtection(boolean leakProtection) {
            this.leakProtection = leakProtection;
        }

        public DataSize getLeakThreshold() {
            return leakThreshold;
        }

        public void setLeakThreshold(DataSize leakThreshold) {
            if (leakThreshold == null || leakThreshold.toBytes() <= 0) {
                throw new InvalidLokyPropertyException("loky.memory.leak-threshold", leakThreshold, "it must be positive",
                        "Set loky.memory.leak-threshold to a size such as 100MB, or set loky.memory.leak-protection=false to turn the protection off.");
            }
            this.leakThreshold = leakThreshold;
        }

        public Duration getCheckInterval() {
            return checkInterval;
        }

        public void setCheckInterval(Duration checkInterval) {
            this.checkInterval = positive("loky.memory.check-interval", checkInterval, "1s");
        }
    }

    /** How {@code @ProcessAsync} arguments and results travel as JSON ({@code loky.json.*}). */
    public static class Json {

        /**
         * Whether every {@code @ProcessAsync} parameter and result type is checked at start-up for
         * properties that the JSON mapper writes but cannot read back (for example a getter-only
         * {@code final} collection of a JPA entity), failing start-up if one would be lost, and
         * whether calls are read strictly (an unknown property is an error). Switch off only for
         * types whose write-only properties are meant to be dropped.
         */
        private boolean verifyRoundTrip = true;

        public boolean isVerifyRoundTrip() {
            return verifyRoundTrip;
        }

        public void setVerifyRoundTrip(boolean verifyRoundTrip) {
            this.verifyRoundTrip = verifyRoundTrip;
        }
    }

    /** Spreading calls over a Hazelcast cluster ({@code loky.cluster.*}); needs {@code loky-hazelcast}. */
    public static class Cluster {

        /**
         * Whether @ProcessAsync calls and the ProcessExecutor bean go through the application's
         * HazelcastInstance bean: each member runs its own worker pool, the cluster chooses the
         * member. Needs loky-hazelcast on the classpath and a HazelcastInstance bean.
         */
        private boolean enabled = false;

        /**
         * The members' shared secret, base64 or hex, at least 32 bytes once decoded (e.g. from
         * `openssl rand -base64 32`); required when loky.cluster.enabled=true. Every member derives
         * from it the key that authenticates and encrypts every loky message on the cluster (calls,
         * answers, load entries, snapshots); a message that does not verify is dropped unread and
         * counted (loky.cluster.rejected).
         */
        private String secret;

        /**
         * How the member of each call is chosen: 'local-first' (this member while it has an idle
         * worker, otherwise the least-loaded one) or 'least-loaded' (the member with the most idle
         * workers).
         */
        private Routing routing = Routing.LOCAL_FIRST;

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Routing getRouting() {
            return routing;
        }

        public void setRouting(Routing routing) {
            this.routing = routing;
        }

        /** The values of {@code loky.cluster.routing}. */
        public enum Routing {
            /** This member while it has an idle worker, otherwise the least-loaded member. */
            LOCAL_FIRST,
            /** The member with the most idle workers. */
            LEAST_LOADED
        }
    }

    /** What the pool remembers about recent calls for {@code /actuator/loky} and the live page ({@code loky.insights.*}). */
    public static class Insights {

        /**
         * How many of the slowest recent calls, and how many recent failures, are kept (in the
         * caller's JVM, in memory).
         */
        private int slowCalls = 10;

        /**
         * Whether a kept call shows its arguments (as JSON, abbreviated). Off by default, since
         * arguments may hold personal or secret data; when on, they are also shown as a busy
         * worker's current task.
         */
        private boolean recordArguments = false;

        public int getSlowCalls() {
            return slowCalls;
        }

        public void setSlowCalls(int slowCalls) {
            if (slowCalls < 0) {
                throw new InvalidLokyPropertyException("loky.insights.slow-calls", slowCalls, "it must be 0 or more",
                        "Set loky.insights.slow-calls to how many slow calls to keep, such as 10 (0 keeps none).");
            }
            this.slowCalls = slowCalls;
        }

        public boolean isRecordArguments() {
            return recordArguments;
        }

        public void setRecordArguments(boolean recordArguments) {
            this.recordArguments = recordArguments;
        }
    }

    /** The live pool page ({@code loky.dashboard.*}). */
    public static class Dashboard {

        /**
         * Whether to serve the live pool page as the Actuator endpoint {@code lokydashboard}
         * ({@code /actuator/lokydashboard}): workers, running maps with progress, recent failures.
         * Like every endpoint it must also be exposed
         * ({@code management.endpoints.web.exposure.include}), and Spring Security's rules for
         * Actuator endpoints ({@code EndpointRequest.toAnyEndpoint()}) protect it.
         */
        private boolean enabled = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
