package dev.loky.internal.pool.cache;

import dev.loky.internal.pool.scheduling.PoolLog;
import dev.loky.internal.protocol.ExitCodes;
import dev.loky.internal.protocol.ExitStatus;
import dev.loky.internal.protocol.WorkerInit;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A start-up cache for worker JVMs: a dynamic CDS archive on JDK 17–24
 * ({@code -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile}) and the AOT cache on JDK 25+
 * ({@code -XX:AOTCacheOutput}, then {@code -XX:AOTCache}, JEP 514/515).
 *
 * <p>The cache file is keyed by the JDK, the classpath, the main class, the JVM arguments and the
 * initializer's {@link dev.loky.StartupCacheVariant variant}, so a
 * changed application never uses a stale cache (the JVM also checks, and ignores a mismatching one
 * with a warning). While no cache exists, the pool starts one extra recording worker beside its own
 * (see {@code WorkerLauncher}): it boots, exits at once, and writes the cache to a
 * temporary file as it exits cleanly; the parent then moves that file into place atomically. A
 * recording that dies writes nothing usable, and the next start tries again.
 */
public final class StartupCache {

    private static final Logger log = PoolLog.logger();

    private static final AtomicBoolean WARNED_DIRECTORIES = new AtomicBoolean();

    private final Path cacheFile;
    private final boolean aot;
    private final AtomicBoolean recording = new AtomicBoolean();
    private final AtomicBoolean verified = new AtomicBoolean();
    /** A failed recording was reported at WARN once; later ones (each start tries again) go to DEBUG. */
    private final AtomicBoolean warnedFailure = new AtomicBoolean();

    private StartupCache(Path cacheFile, boolean aot) {
        this.cacheFile = cacheFile;
        this.aot = aot;
    }

    /** The cache for workers launched with {@code command} (without cache flags), or {@code null} if unsupported. */
    public static StartupCache forCommand(Path dir, Path javaHome, List<String> command) {
        return forCommand(dir, javaHome, command, "");
    }

    /**
     * The cache for workers launched with {@code command} whose initializer is in {@code variant}
     * (see {@link dev.loky.StartupCacheVariant}; the empty variant keys the cache by the command alone).
     */
    public static StartupCache forCommand(Path dir, Path javaHome, List<String> command, String variant) {
        int feature = JavaVersion.feature(javaHome);
        if (feature < 13) {
            return null;
        }
        int cp = command.indexOf("-cp");
        if (cp >= 0 && cp + 1 < command.size()) {
            for (String entry : command.get(cp + 1).split(java.io.File.pathSeparator)) {
                if (Files.isDirectory(Path.of(entry.isEmpty() ? "." : entry))) {
                    if (WARNED_DIRECTORIES.compareAndSet(false, true)) {
                        log.info("loky worker startup cache not used: the JVM archives classes from jar files only, and the "
                                + "classpath has the directory {} (package the application, e.g. as an extracted "
                                + "Spring Boot jar, to use the cache)", entry);
                    }
                    return null;
                }
            }
        }
        boolean aot = feature >= 25;
        // not the crash-report path: a private directory made afresh by each parent JVM, which would
        // otherwise key a new cache on every start of the application
        List<String> stable = command.stream().filter(arg -> !arg.startsWith("-XX:ErrorFile=")).toList();
        String key = hash(JavaVersion.full(javaHome) + "\n" + String.join("\n", stable) + (variant.isEmpty() ? "" : "\nvariant " + variant));
        java.util.Optional<Path> privateDir = CacheDirectory.open(dir);
        if (privateDir.isEmpty()) {
            return null;
        }
        dir = privateDir.get();
        return new StartupCache(dir.resolve("loky-worker-" + key + (aot ? ".aot" : ".jsa")), aot);
    }

    /** A recording in progress: the temporary file the recording worker writes as it exits. */
    public record Recording(Path temporary) {
    }

    /**
     * What the next worker starts with: the JVM arguments that make it use the cache, or none
     * while it does not exist.
     *
     * @param recording a recording to start beside it (see {@link #recordingFlags(Recording)}) when
     *        the cache does not exist and nobody records it yet; else {@code null}
     */
    public record Plan(List<String> jvmArgs, Recording recording) {
    }

    /** The plan for the next worker; at most one recording runs at a time. */
    public Plan plan() {
        List<String> existing = existing();
        if (!existing.isEmpty()) {
            CacheDirectory.touch(cacheFile);
            return new Plan(existing, null);
        }
        if (recording.compareAndSet(false, true)) {
            return new Plan(List.of(), new Recording(cacheFile.resolveSibling(cacheFile.getFileName() + "." + UUID.randomUUID() + ".tmp")));
        }
        return new Plan(List.of(), null);
    }

    /** The JVM arguments that use this cache if it exists (and is intact); none otherwise, and no recording starts. */
    public List<String> existing() {
        if (CacheDirectory.isPlainFile(cacheFile) && verified()) {
            return List.of((aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + cacheFile);
        }
        return List.of();
    }

    /** The JVM arguments of a worker that records the cache into {@code recording}'s file as it exits. */
    public List<String> recordingFlags(Recording recording) {
        return List.of((aot ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + recording.temporary(),
                "-D" + WorkerInit.RECORDING_PROPERTY + "=true");
    }

    /**
     * Called when the recording worker has exited ({@code -1}: it never started), with its output.
     * A recording that wrote nothing is said once at WARN with the reason (a full disk, most often).
     */
    public void recorded(Recording recording, int exitCode, String output) {
        try {
            if (exitCode == 0 && Files.isRegularFile(recording.temporary()) && Files.size(recording.temporary()) > 0) {
                Files.move(recording.temporary(), cacheFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                // written last: a cache without its checksum (or with a wrong one) is never used
                Path checksum = checksumFile();
                Path temporary = checksum.resolveSibling(checksum.getFileName() + "." + UUID.randomUUID() + ".tmp");
                Files.writeString(temporary, CacheDirectory.sha256(cacheFile));
                Files.move(temporary, checksum, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                verified.set(true);
                log.info("loky worker startup cache written: {}", cacheFile);
            } else {
                Files.deleteIfExists(recording.temporary());
                if (exitCode != -1 && !ExitCodes.isStopped(exitCode)) {
                    notRecorded(exitCode, output);
                }
            }
        } catch (IOException e) {
            log.warn("loky startup cache {} could not be stored ({}): {}", cacheFile, freeSpace(), e.toString());
        } finally {
            this.recording.set(false);
        }
    }

    private void notRecorded(int exitCode, String output) {
        String what = exitCode == 0 ? "exited cleanly but wrote no archive" : "exited with " + ExitStatus.describe(exitCode);
        String said = output.lines().filter(line -> !line.isBlank()).reduce((a, b) -> b).orElse("").strip().replaceAll("\\.+$", "");
        String message = "loky worker startup cache " + cacheFile + " was not recorded: the recording worker " + what
                + " (" + freeSpace() + "; is the disk full?)" + (said.isEmpty() ? "" : "; its last output: " + said)
                + ". Workers start without the cache, and the next start records it again.";
        if (warnedFailure.compareAndSet(false, true)) {
            log.warn(message);
        } else {
            log.debug(message);
        }
    }

    /** The usable space on the cache's file system, for messages. */
    private String freeSpace() {
        try {
            long usable = Files.getFileStore(cacheFile.getParent()).getUsableSpace();
            return (usable / (1024 * 1024)) + " MB free in " + cacheFile.getParent();
        } catch (IOException | RuntimeException e) {
            return "free space in " + cacheFile.getParent() + " unknown";
        }
    }

    private Path checksumFile() {
        return cacheFile.resolveSibling(cacheFile.getFileName() + ".sha256");
    }

    /**
     * Whether the cache file matches the checksum written after it (checked once per pool: after
     * that only this user, who owns the private directory, could change it). A mismatch deletes both,
     * so the cache is recorded again.
     */
    private boolean verified() {
        if (verified.get()) {
            return true;
        }
        Path checksum = checksumFile();
        try {
            if (CacheDirectory.isPlainFile(checksum) && Files.readString(checksum).strip().equals(CacheDirectory.sha256(cacheFile))) {
                verified.set(true);
                return true;
            }
        } catch (IOException e) {
            // treated as a mismatch
        }
        log.warn("loky worker startup cache {} does not match its checksum (incomplete or changed): not used, recording it again", cacheFile);
        CacheDirectory.delete(cacheFile);
        CacheDirectory.delete(checksum);
        return false;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The version of the JDK workers run on. */
    public static final class JavaVersion {
        private JavaVersion() {
        }

        public static int feature(Path javaHome) {
            String full = full(javaHome);
            try {
                String head = full.split("[.+\\-]")[0];
                return Integer.parseInt(head);
            } catch (RuntimeException e) {
                return -1;
            }
        }

        /** The JDK's {@code JAVA_VERSION} from its {@code release} file, or this JVM's version. */
        static String full(Path javaHome) {
            Path release = javaHome.resolve("release");
            if (!javaHome.equals(Path.of(System.getProperty("java.home"))) && Files.isRegularFile(release)) {
                try {
                    for (String line : Files.readAllLines(release)) {
                        if (line.startsWith("JAVA_VERSION=")) {
                            return line.substring("JAVA_VERSION=".length()).replace("\"", "");
                        }
                    }
                } catch (IOException e) {
                    // fall through
                }
            }
            return System.getProperty("java.version");
        }
    }
}
