package dev.loky.spring.autoconfigure;

import dev.loky.spring.InvalidLokyPropertyException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the worker JVM once with {@code -version} and the configured JVM arguments, so that an
 * argument it rejects fails the application's startup (naming {@code loky.worker.jvm-args}) rather
 * than every worker later.
 */
final class WorkerJvmCheck {

    private static final Log logger = LogFactory.getLog(WorkerJvmCheck.class);

    private WorkerJvmCheck() {
    }

    static void check(File javaHome, List<String> jvmArgs) {
        File home = javaHome != null ? javaHome : new File(System.getProperty("java.home"));
        File java = new File(home, "bin/java");
        if (!java.isFile()) {
            java = new File(home, "bin/java.exe");
        }
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
                return;
            }
            if (process.exitValue() != 0) {
                String text = Files.readString(output, Charset.defaultCharset()).strip();
                throw new InvalidLokyPropertyException("loky.worker.jvm-args", String.join(" ", jvmArgs),
                        "the worker JVM (" + java + ") rejects them and exits with code " + process.exitValue() + ":\n" + text,
                        "Fix or remove the rejected argument in loky.worker.jvm-args. An argument that contains a comma must be set with "
                                + "the indexed form, e.g. loky.worker.jvm-args[0]=-XX:SomeOption=a,b, since a comma-separated value is split.");
            }
        } catch (IOException ex) {
            throw new InvalidLokyPropertyException(javaHome != null ? "loky.worker.java-home" : "loky.worker.jvm-args",
                    javaHome != null ? javaHome : String.join(" ", jvmArgs), "the worker JVM " + java + " cannot be started: " + ex.getMessage(),
                    "Point loky.worker.java-home at a JDK 17+ installation, or remove it to use this application's JDK.");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
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
