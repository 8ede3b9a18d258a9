package dev.loky.spring.autoconfigure;

import dev.loky.internal.pool.cache.CacheDirectory;
import dev.loky.spring.InvalidLokyPropertyException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the worker JVM once with {@code -version} and the configured JVM arguments, so that an
 * argument it rejects fails the application's startup (naming {@code loky.worker.jvm-args}) rather
 * than every worker later.
 *
 * <p>An accepted combination is remembered in the private cache directory ({@link CacheDirectory}:
 * owned by this user, 0700) as an empty file named by a hash of the {@code java} binary (path, size,
 * modification time) and the arguments, so the next start of the application with the same JDK and
 * arguments starts no JVM for the check: that {@code java -version} costs a few hundred milliseconds
 * of a 2-core machine's start-up. Only acceptances are remembered; a rejection is checked again each
 * time. Stateless and thread-safe (concurrent checks of one combination write the same file).
 */
final class WorkerJvmCheck {

    private static final Log logger = LogFactory.getLog(WorkerJvmCheck.class);

    private WorkerJvmCheck() {
    }

    /**
     * Checks {@code jvmArgs} with the JVM of {@code javaHome} (the parent's when {@code null}),
     * unless {@code cacheDir} (already opened with {@link CacheDirectory#open}) remembers that they
     * were accepted; remembers an acceptance there.
     */
    static void check(File javaHome, List<String> jvmArgs, Optional<Path> cacheDir) {
        File java = javaBinary(javaHome);
        Optional<Path> verdict = cacheDir.map(dir -> dir.resolve(verdictName(java, jvmArgs)));
        if (verdict.isPresent() && CacheDirectory.isPlainFile(verdict.get())) {
            CacheDirectory.touch(verdict.get());
            logger.debug("loky.worker.jvm-args " + jvmArgs + " were accepted by " + java + " before (" + verdict.get() + "): not checked again");
            return;
        }
        if (check(javaHome, java, jvmArgs)) {
            verdict.ifPresent(WorkerJvmCheck::remember);
        }
    }

    private static File javaBinary(File javaHome) {
        File home = javaHome != null ? javaHome : new File(System.getProperty("java.home"));
        File java = new File(home, "bin/java");
        if (!java.isFile()) {
            java = new File(home, "bin/java.exe");
        }
        return java;
    }

    /**
     * {@code jvm-args-ok-<sha256>}: the binary's path, size and modification time (a JDK update
     * changes them) and each argument, separated by NULs so that no two lists share a name.
     */
    static String verdictName(File java, List<String> jvmArgs) {
        StringBuilder key = new StringBuilder(java.getAbsolutePath()).append('\0').append(java.length()).append('\0').append(java.lastModified());
        jvmArgs.forEach(arg -> key.append('\0').append(arg));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return "jvm-args-ok-" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void remember(Path verdict) {
        try {
            Files.write(verdict, new byte[0]);
        } catch (IOException e) {
            // the check runs again on the next start
            logger.debug("cannot remember the accepted loky.worker.jvm-args in " + verdict, e);
        }
    }

    /** {@code true} if the JVM accepted the arguments, {@code false} if it could not tell (timeout, interrupt). */
    private static boolean check(File javaHome, File java, List<String> jvmArgs) {
        List<String> command = new ArrayList<>();
        command.add(java.getPath());
        command.addAll(jvmArgs);
        command.add("-version");
        Path output = null;
        try {
            output = Files.createTempFile("loky-jvm-check", ".txt");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                logger.warn("The worker JVM did not answer -version within 30s with loky.worker.jvm-args " + jvmArgs + "; not checked");
                return false;
            }
            if (process.exitValue() != 0) {
                String text = Files.readString(output, Charset.defaultCharset()).strip();
                throw new InvalidLokyPropertyException("loky.worker.jvm-args", String.join(" ", jvmArgs),
                        "the worker JVM (" + java + ") rejects them and exits with code " + process.exitValue() + ":\n" + text,
                        "Fix or remove the rejected argument in loky.worker.jvm-args. An argument that contains a comma must be set with "
                                + "the indexed form, e.g. loky.worker.jvm-args[0]=-XX:SomeOption=a,b, since a comma-separated value is split.");
            }
            return true;
        } catch (IOException ex) {
            throw new InvalidLokyPropertyException(javaHome != null ? "loky.worker.java-home" : "loky.worker.jvm-args",
                    javaHome != null ? javaHome : String.join(" ", jvmArgs), "the worker JVM " + java + " cannot be started: " + ex.getMessage(),
                    "Point loky.worker.java-home at a JDK 17+ installation, or remove it to use this application's JDK.");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }
}
