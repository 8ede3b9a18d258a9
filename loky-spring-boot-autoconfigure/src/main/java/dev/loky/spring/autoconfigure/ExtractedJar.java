package dev.loky.spring.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The extracted layout of an executable jar ({@code java -Djarmode=tools -jar app.jar extract}):
 * the application's classes in one plain jar whose manifest lists its libraries, also plain jars.
 * Workers launched on it load classes the ordinary way, which the JVM's class-data sharing can
 * archive; on the fat jar's nested jars it cannot, and the startup cache would save little.
 *
 * <p>The layout is made once per jar (keyed by its path, size and modification time) in the cache
 * directory, written to a temporary directory and moved into place, so concurrent applications
 * never see half of it. When the jar has no tools jar mode, or extraction fails, the caller falls
 * back to Boot's launcher.
 */
final class ExtractedJar {

    private static final Log logger = LogFactory.getLog(ExtractedJar.class);
    private static final long EXTRACT_TIMEOUT_SECONDS = 120;

    private ExtractedJar() {
    }

    /** The extracted application jar for {@code fatJar}, made now if needed; empty if it cannot be had. */
    static Optional<Path> of(Path fatJar, Path cacheDir, Path javaHome) {
        try {
            Path jar = fatJar.toAbsolutePath().normalize();
            Path target = cacheDir.resolve("extracted-" + key(jar));
            Optional<Path> existing = applicationJar(target);
            if (existing.isPresent()) {
                return existing;
            }
            Files.createDirectories(cacheDir);
            Path temporary = Files.createTempDirectory(cacheDir, "extracting-");
            Path java = (javaHome != null ? javaHome : Path.of(System.getProperty("java.home"))).resolve("bin").resolve("java");
            Process process = new ProcessBuilder(List.of(java.toString(), "-Djarmode=tools", "-jar", jar.toString(),
                    "extract", "--destination", temporary.resolve("app").toString()))
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(EXTRACT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                logger.info("Workers will use Boot's launcher: extracting " + jar + " failed (" + output.strip() + ")");
                deleteQuietly(temporary);
                return Optional.empty();
            }
            try {
                Files.move(temporary.resolve("app"), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException
                    | java.nio.file.DirectoryNotEmptyException e) {
                // another application extracted it first: use theirs
            }
            deleteQuietly(temporary);
            logger.info("Extracted " + jar + " to " + target + " so that workers can use the startup cache");
            return applicationJar(target);
        } catch (IOException | RuntimeException e) {
            logger.info("Workers will use Boot's launcher: cannot extract " + fatJar + ": " + e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The one jar at the top of an extracted layout (its libraries are under {@code lib/}). */
    private static Optional<Path> applicationJar(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : jars) {
                return Optional.of(jar);
            }
        }
        return Optional.empty();
    }

    private static String key(Path jar) throws IOException {
        String identity = jar + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind in the cache directory is harmless
        }
    }
}
