package dev.loky.internal.pool.process;

import dev.loky.PoolConfig;
import dev.loky.StartupCacheVariant;
import dev.loky.internal.pool.cache.CachedClasspath;
import dev.loky.internal.pool.cache.StartupCache;
import dev.loky.internal.protocol.FrameType;
import dev.loky.internal.protocol.WorkerInit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts worker processes: the command line (heap sizing, see {@link WorkerCommand}), the start-up
 * cache and its recording worker, the {@link ProcessBuilder}, and the first frame ({@code INIT}).
 *
 * <p>Runs on whichever thread asked for a worker, as an action after the pool's lock is released,
 * never under it: building the command and consulting the cache touch the file system. A recording
 * worker's slot is taken from the scheduler in a lock event of its own. Thread-safe (the cache map
 * is guarded by this object's monitor).
 */
public final class WorkerLauncher {

    private final PoolConfig config;
    /** The initializer as first serialized: checks it early, and stands in if a later serialization fails. */
    private final byte[] initializer;
    private final Path errorFileDir = ErrorFiles.directory();
    /** By command and initializer variant. */
    private final Map<List<Object>, StartupCache> startupCaches = new HashMap<>();
    /** The class path's files in the cache directory, checked before each launch. */
    private final CachedClasspath cachedClasspath;

    public WorkerLauncher(PoolConfig config) {
        this.config = config;
        this.initializer = serializeInitializer(config);
        this.cachedClasspath = CachedClasspath.of(config.classpath(), config.startupCacheDir());
    }

    /**
     * The initializer as it is now: serialized for each worker as it starts, so that it carries what
     * the caller learned since (e.g. which beans a Spring worker should create before it is ready).
     */
    private byte[] currentInitializer() {
        if (config.initializer() == null) {
            return initializer;
        }
        try {
            return config.serializer().serialize(config.initializer());
        } catch (Exception e) {
            return initializer;
        }
    }

    private static byte[] serializeInitializer(PoolConfig config) {
        if (config.initializer() == null) {
            return new byte[0];
        }
        try {
            return config.serializer().serialize(config.initializer());
        } catch (Exception e) {
            throw new IllegalArgumentException("initializer must be serializable (capture only serializable values), but "
                    + config.initializer().getClass().getName() + " could not be serialized: " + e, e);
        }
    }

    /**
     * Starts the process of {@code w}. When the start-up cache does not exist yet, also starts a
     * recording worker in a slot from {@code recorderSlot} (none when it returns {@code null}); the
     * worker itself then starts without the cache.
     */
    public void launch(WorkerChannel w, Supplier<WorkerChannel> recorderSlot, WorkerChannel.Events events) {
        String changed = cachedClasspath.changed();
        if (changed != null) {
            w.addStderr(changed);
            events.onExit(w, w.exitReport(-1));
            return;
        }
        List<String> command = WorkerCommand.build(config, w.slot().poolSize, errorFileDir);
        String variant = config.initializer() instanceof StartupCacheVariant v ? v.startupCacheVariant() : "";
        StartupCache cache = startupCache(command, variant);
        List<String> flags = List.of();
        if (cache != null) {
            StartupCache.Plan plan = cache.plan();
            flags = plan.jvmArgs();
            if (flags.isEmpty() && !variant.isEmpty()) {
                // while its variant's cache is not there yet, the first (slim) boot's cache still covers most classes
                StartupCache slim = startupCache(command, "");
                flags = slim == null ? List.of() : slim.existing();
            }
            if (plan.recording() != null) {
                WorkerChannel recorder = recorderSlot.get();
                if (recorder == null) {
                    cache.recorded(plan.recording(), -1, ""); // the pool stopped: nothing to record
                } else {
                    recorder.startupCache = cache;
                    recorder.startupCacheRecording = plan.recording();
                    start(recorder, atLowestPriority(withFlags(command, cache.recordingFlags(plan.recording()))), events);
                }
            }
        }
        start(w, withFlags(command, flags), events);
    }

    private void start(WorkerChannel w, List<String> command, WorkerChannel.Events events) {
        w.heapCap = WorkerCommand.heapCap(command);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.directory((config.workingDirectory() != null ? config.workingDirectory()
                : Path.of(System.getProperty("user.dir"))).toFile());
        builder.environment().putAll(config.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            w.addStderr("could not start " + command.get(0) + ": " + e);
            events.onExit(w, w.exitReport(-1));
            return;
        }
        w.attach(process, events);
        WorkerInit init = new WorkerInit(w.slot().id, ProcessHandle.current().pid(), config.name(),
                config.serializer().getClass().getName(), currentInitializer(), config.memoryCheckInterval().toMillis(),
                config.memoryLeakProtection() ? config.memoryLeakThresholdBytes() : 0, heartbeatIntervalMillis(config));
        w.send(FrameType.INIT, 0, init.encode());
    }

    private synchronized StartupCache startupCache(List<String> command, String variant) {
        if (config.startupCacheDir() == null) {
            return null;
        }
        return startupCaches.computeIfAbsent(List.of(command, variant), key -> StartupCache.forCommand(config.startupCacheDir(),
                config.javaHome() != null ? config.javaHome() : Path.of(System.getProperty("java.home")), command, variant));
    }

    /**
     * A recording worker's command run through {@code nice -n 19} where the system has it: the
     * recording is worth having, but never at the expense of the worker that a caller waits for,
     * nor of the application's own start, which it would otherwise halve on two cores ({@code nice}
     * execs the JVM, so the pid is the JVM's).
     */
    private static List<String> atLowestPriority(List<String> command) {
        for (String nice : List.of("/usr/bin/nice", "/bin/nice")) {
            if (Files.isExecutable(Path.of(nice))) {
                List<String> niced = new ArrayList<>(List.of(nice, "-n", "19"));
                niced.addAll(command);
                return niced;
            }
        }
        return command;
    }

    /** The command with JVM flags inserted before its classpath and main class. */
    private static List<String> withFlags(List<String> command, List<String> flags) {
        if (flags.isEmpty()) {
            return command;
        }
        List<String> withFlags = new ArrayList<>(command);
        withFlags.addAll(command.size() - 3, flags);
        return withFlags;
    }

    /** A fifth of the heartbeat timeout, between 50 ms and 5 s: a silent worker misses several in a row before it is killed. */
    static long heartbeatIntervalMillis(PoolConfig config) {
        return Math.max(50, Math.min(5000, config.heartbeatTimeout().toMillis() / 5));
    }
}
