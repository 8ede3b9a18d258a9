package dev.loky.spring.autoconfigure;

import dev.loky.internal.pool.cache.CacheDirectory;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The extracted layout of an executable jar ({@code java -Djarmode=tools -jar app.jar extract}):
 * the application's classes in one plain jar whose manifest lists its libraries, also plain jars.
 * Workers launched on it load classes the ordinary way, which the JVM's class-data sharing can
 * archive; on the fat jar's nested jars it cannot, and the startup cache would save little.
 *
 * <p>The layout is made once per jar (keyed by its path, size and modification time) in the private
 * cache directory ({@link CacheDirectory#open}: a directory another user could write is not used),
 * written to a temporary directory and moved into place, so concurrent applications never see half
 * of it. Workers run these jars, so a layout is only reused if it matches the manifest of SHA-256
 * hashes written last when it was extracted, and holds no symbolic link and no file the manifest
 * does not list; otherwise it is extracted again. When the jar has no tools jar mode, or extraction
 * fails, the caller falls back to Boot's launcher.
 */
final class ExtractedJar {

    private static final Log logger = LogFactory.getLog(ExtractedJar.class);
    private static final long EXTRACT_TIMEOUT_SECONDS = 120;
    static final String MANIFEST = ".loky-manifest.sha256";

    private ExtractedJar() {
    }

    /** The extracted application jar for {@code fatJar}, made now if needed; empty if it cannot be had. */
    static Optional<Path> of(Path fatJar, Path cacheDir, Path javaHome, long cacheMaxBytes) {
        Optional<Path> privateDir = CacheDirectory.open(cacheDir);
        if (privateDir.isEmpty()) {
            logger.info("Workers will use Boot's launcher: the cache directory " + cacheDir + " is not used (see the warning above)");
            return Optional.empty();
        }
        Path dir = privateDir.get();
        try {
            Path jar = fatJar.toAbsolutePath().normalize();
            Path target = dir.resolve("extracted-" + key(jar));
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Optional<String> problem = problem(target);
                if (problem.isEmpty()) {
                    CacheDirectory.touch(target);
                    return applicationJar(target);
                }
                logger.warn("The extracted layout " + target + " is not used and is extracted again: " + problem.get());
                CacheDirectory.delete(target);
            }
            Path temporary = Files.createTempDirectory(dir, "extracting-");
            try {
                if (!extract(jar, temporary, javaHome)) {
                    return Optional.empty();
                }
                writeManifest(temporary.resolve("app"));
                try {
                    Files.move(temporary.resolve("app"), target, StandardCopyOption.ATOMIC_MOVE);
                    logger.info("Extracted " + jar + " to " + target + " so that workers can use the startup cache");
                } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException
                        | java.nio.file.DirectoryNotEmptyException e) {
                    // another application of this user extracted it first: use theirs, once checked
                    Optional<String> problem = problem(target);
                    if (problem.isPresent()) {
                        logger.info("Workers will use Boot's launcher: " + target + " " + problem.get());
                        return Optional.empty();
                    }
                }
            } finally {
                CacheDirectory.delete(temporary);
            }
            CacheDirectory.prune(dir, cacheMaxBytes);
            return applicationJar(target);
        } catch (IOException | RuntimeException e) {
            logger.warn("Workers will use Boot's launcher: cannot extract " + fatJar + " into " + cacheDir + ": " + e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Runs the tools jar mode into {@code temporary/app}; its output goes to a file, so the timeout can fire. */
    private static boolean extract(Path jar, Path temporary, Path javaHome) throws IOException, InterruptedException {
        Path java = (javaHome != null ? javaHome : Path.of(System.getProperty("java.home"))).resolve("bin").resolve("java");
        Path log = temporary.resolve("extract.log");
        Process process = new ProcessBuilder(List.of(java.toString(), "-Djarmode=tools", "-jar", jar.toString(),
                "extract", "--destination", temporary.resolve("app").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        boolean exited = process.waitFor(EXTRACT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
            logger.info("Workers will use Boot's launcher: extracting " + jar + " took longer than " + EXTRACT_TIMEOUT_SECONDS + " s");
            return false;
        }
        if (process.exitValue() != 0) {
            String output = Files.readString(log).strip();
            logger.warn("Workers will use Boot's launcher: extracting " + jar + " failed with exit code " + process.exitValue()
                    + (output.isEmpty() ? " and no output (is the cache directory's disk full? " + temporary.getParent() + ")" : ": " + output));
            return false;
        }
        return true;
    }

    /** Hashes of every file of the layout, written as its last file. */
    static void writeManifest(Path layout) throws IOException {
        Map<String, String> hashes = hashes(layout);
        StringBuilder text = new StringBuilder();
        hashes.forEach((file, hash) -> text.append(hash).append("  ").append(file).append('\n'));
        Files.writeString(layout.resolve(MANIFEST), text);
    }

    /** Why the layout must not be used, or empty if it matches its manifest exactly. */
    static Optional<String> problem(Path layout) {
        try {
            if (!Files.isDirectory(layout, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of("it is not a directory");
            }
            Path manifest = layout.resolve(MANIFEST);
            if (!CacheDirectory.isPlainFile(manifest)) {
                return Optional.of("it has no manifest (an interrupted extraction, or not made by loky)");
            }
            Map<String, String> expected = new TreeMap<>();
            for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                int gap = line.indexOf("  ");
                if (gap > 0) {
                    expected.put(line.substring(gap + 2), line.substring(0, gap));
                }
            }
            Map<String, String> actual = hashes(layout);
            if (!actual.equals(expected)) {
                return Optional.of("its files do not match the hashes recorded when it was extracted");
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("it cannot be checked: " + e);
        }
    }

    /** Relative path to SHA-256 of every file under {@code layout} but the manifest; a symbolic link fails. */
    private static Map<String, String> hashes(Path layout) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(layout)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(path)) {
                    throw new IOException("it contains the symbolic link " + path);
                }
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && !path.equals(layout.resolve(MANIFEST))) {
                    hashes.put(layout.relativize(path).toString().replace(File.separatorChar, '/'), CacheDirectory.sha256(path));
                }
            }
        }
        return hashes;
    }

    /** The one jar at the top of an extracted layout (its libraries are under {@code lib/}). */
    private static Optional<Path> applicationJar(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : jars) {
                return Optional.of(jar);
            }
        }
        return Optional.empty();
    }

    static String key(Path jar) throws IOException {
        String identity = jar + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
