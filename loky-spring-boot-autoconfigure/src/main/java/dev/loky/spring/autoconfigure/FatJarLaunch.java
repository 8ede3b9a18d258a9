package dev.loky.spring.autoconfigure;

import java.io.File;
import java.io.IOException;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * How to launch workers when the application runs as an executable Spring Boot jar
 * ({@code java -jar app.jar}): its classes sit in nested jars that only Boot's launcher can read,
 * so workers run Boot's {@code PropertiesLauncher} on the same jar with
 * {@code -Dloader.main=dev.loky.internal.worker.WorkerMain}, in the parent's working directory (the jar's
 * path may be relative).
 *
 * @param classpath the jar (or exploded directory) the application was launched from
 */
public record FatJarLaunch(String classpath) {

    /** Boot's launcher that reads {@code loader.main}. */
    public static final String LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    /** The JVM argument that makes the launcher run the worker's main class. */
    public static final String LOADER_MAIN_ARGUMENT = "-Dloader.main=" + dev.loky.PoolConfig.WORKER_MAIN_CLASS;

    private static final String LOADER_PACKAGE = "org.springframework.boot.loader.";

    /** The fat-jar launch of this JVM, if it was started from an executable Boot jar. */
    public static Optional<FatJarLaunch> detect() {
        return detect(System.getProperty("java.class.path", ""), Thread.currentThread().getContextClassLoader());
    }

    static Optional<FatJarLaunch> detect(String classpath, ClassLoader contextClassLoader) {
        if (classpath.isEmpty() || classpath.contains(File.pathSeparator)) {
            return Optional.empty();
        }
        boolean launched = contextClassLoader != null && contextClassLoader.getClass().getName().startsWith(LOADER_PACKAGE);
        File entry = new File(classpath);
        if (entry.isFile() && (classpath.endsWith(".jar") || classpath.endsWith(".war"))) {
            String mainClass = mainClass(entry);
            if (launched || (mainClass != null && mainClass.startsWith(LOADER_PACKAGE))) {
                return Optional.of(new FatJarLaunch(classpath));
            }
            return Optional.empty();
        }
        return launched && entry.isDirectory() ? Optional.of(new FatJarLaunch(classpath)) : Optional.empty();
    }

    private static String mainClass(File jar) {
        try (JarFile file = new JarFile(jar)) {
            Manifest manifest = file.getManifest();
            return manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
        } catch (IOException ex) {
            return null;
        }
    }
}
