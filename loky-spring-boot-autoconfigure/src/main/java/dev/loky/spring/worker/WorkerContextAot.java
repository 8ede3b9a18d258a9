package dev.loky.spring.worker;

import org.springframework.boot.SpringBootVersion;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The worker context's Spring AOT output, as the build step left it beside the application's
 * classes ({@link WorkerContextAotProcessor}): the generated initializer's class name and what it
 * was generated for (the worker context's sources and profiles, a hash of the application's own
 * classes and Spring configuration files, and the Spring Boot version). The parent checks, once
 * at start-up, that this still describes the application workers will run; a worker then boots
 * from the generated initializer, and otherwise as without it ({@link Check#reason} says why).
 *
 * <p>Only the entry of the class path that holds the first source (a classes directory, a plain
 * jar, or an executable jar's {@code BOOT-INF/classes/}) is hashed: a changed dependency is not
 * detected (the build step runs again in every {@code package}). Stateless; thread-safe.
 */
public final class WorkerContextAot {

    /** Where the build step writes the descriptor, relative to the application's classes. */
    public static final String DESCRIPTOR = "META-INF/loky/worker-aot.properties";

    /** Prefix of the generated classes' feature names: {@code App__LokyWorkerApplicationContextInitializer}. */
    static final String FEATURE_PREFIX = "LokyWorker";

    private static final String FAT_JAR_CLASSES = "BOOT-INF/classes/";

    private WorkerContextAot() {
    }

    /**
     * Whether workers can boot from the AOT output found beside {@code sources.get(0)} on
     * {@code classpath}.
     *
     * @param initializer the generated initializer's class name, or {@code null}
     * @param reason why workers boot without it, or {@code null} when they use it
     */
    public record Check(String initializer, String reason) {
    }

    /** Checks the AOT output for a worker context of {@code sources} and {@code profiles} on {@code classpath}. */
    public static Check check(List<String> sources, List<String> profiles, String classpath) {
        if (sources.isEmpty()) {
            return new Check(null, "workers boot no Spring context");
        }
        String classFile = sources.get(0).replace('.', '/') + ".class";
        for (String element : classpath.split(File.pathSeparator)) {
            Path entry = Path.of(element);
            try {
                Root root = Root.holding(entry, classFile);
                if (root != null) {
                    try {
                        return check(root, sources, profiles);
                    } finally {
                        root.close();
                    }
                }
            } catch (IOException | UncheckedIOException ex) {
                return new Check(null, "cannot read " + entry + ": " + ex);
            }
        }
        return new Check(null, "no class path entry of the workers holds " + sources.get(0));
    }

    private static Check check(Root root, List<String> sources, List<String> profiles) throws IOException {
        byte[] descriptorBytes = root.read(DESCRIPTOR);
        if (descriptorBytes == null) {
            return new Check(null, "no Spring AOT output for the worker context in " + root.entry()
                    + " (the loky-maven-plugin's process-worker-aot goal makes it; see docs/spring.md)");
        }
        Properties descriptor = new Properties();
        descriptor.load(new java.io.ByteArrayInputStream(descriptorBytes));
        String stale = " (run the build step again, e.g. mvn package)";
        if (!String.join(",", sources).equals(descriptor.getProperty("sources"))) {
            return new Check(null, "the worker context's Spring AOT output was made for sources [" + descriptor.getProperty("sources")
                    + "], workers boot [" + String.join(",", sources) + "]: give the build step these sources");
        }
        if (!String.join(",", profiles).equals(descriptor.getProperty("profiles"))) {
            return new Check(null, "the worker context's Spring AOT output was made for profiles [" + descriptor.getProperty("profiles")
                    + "], workers run [" + String.join(",", profiles) + "]: give the build step these profiles");
        }
        if (!SpringBootVersion.getVersion().equals(descriptor.getProperty("spring-boot"))) {
            return new Check(null, "the worker context's Spring AOT output was made with Spring Boot " + descriptor.getProperty("spring-boot")
                    + ", the application runs " + SpringBootVersion.getVersion() + stale);
        }
        if (!root.hash().equals(descriptor.getProperty("classes"))) {
            return new Check(null, "the application's classes in " + root.entry() + " changed since the worker context's Spring AOT output was made" + stale);
        }
        return new Check(descriptor.getProperty("initializer"), null);
    }

    /** Writes the descriptor for an initializer generated from the classes in {@code classes}. */
    static void writeDescriptor(Path classes, String initializer, List<String> sources, List<String> profiles) throws IOException {
        Properties descriptor = new Properties();
        descriptor.setProperty("initializer", initializer);
        descriptor.setProperty("sources", String.join(",", sources));
        descriptor.setProperty("profiles", String.join(",", profiles));
        descriptor.setProperty("spring-boot", SpringBootVersion.getVersion());
        descriptor.setProperty("classes", new Root(classes, null, "").hash());
        Path file = classes.resolve(DESCRIPTOR);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            descriptor.store(out, "Spring AOT output of the loky worker context; written by " + WorkerContextAotProcessor.class.getName());
        }
    }

    /**
     * Whether a file of the application's classes counts towards the hash: the classes, except
     * those generated by Spring AOT ({@code __} in their names, CGLIB proxies), and the files that
     * shape its bean definitions (its application properties and Spring registrations).
     */
    static boolean hashed(String relativeName) {
        String fileName = relativeName.substring(relativeName.lastIndexOf('/') + 1);
        if (relativeName.endsWith(".class")) {
            return !fileName.contains("__") && !fileName.contains("$$SpringCGLIB$$");
        }
        return relativeName.startsWith("META-INF/spring/") || relativeName.equals("META-INF/spring.factories")
                || (relativeName.equals(fileName) && fileName.startsWith("application"));
    }

    /** A class path entry as seen for hashing: a directory, or a jar whose files sit under a prefix. */
    private record Root(Path entry, ZipFile jar, String prefix) {

        static Root holding(Path entry, String classFile) throws IOException {
            if (Files.isDirectory(entry)) {
                return Files.isRegularFile(entry.resolve(classFile)) ? new Root(entry, null, "") : null;
            }
            if (!Files.isRegularFile(entry)) {
                return null;
            }
            ZipFile jar = new ZipFile(entry.toFile());
            for (String prefix : new String[] {"", FAT_JAR_CLASSES}) {
                if (jar.getEntry(prefix + classFile) != null) {
                    return new Root(entry, jar, prefix);
                }
            }
            jar.close();
            return null;
        }

        byte[] read(String name) throws IOException {
            if (jar == null) {
                Path file = entry.resolve(name);
                return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            }
            ZipEntry zipEntry = jar.getEntry(prefix + name);
            if (zipEntry == null) {
                return null;
            }
            try (InputStream in = jar.getInputStream(zipEntry)) {
                return in.readAllBytes();
            }
        }

        void close() throws IOException {
            if (jar != null) {
                jar.close();
            }
        }

        /** SHA-256 over the hashed files' names and CRC-32s, in name order (a jar lists CRCs without inflating). */
        String hash() throws IOException {
            Map<String, Long> crcs = new TreeMap<>();
            if (jar == null) {
                try (Stream<Path> files = Files.walk(entry)) {
                    for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        String name = entry.relativize(file).toString().replace(File.separatorChar, '/');
                        if (hashed(name)) {
                            CRC32 crc = new CRC32();
                            crc.update(Files.readAllBytes(file));
                            crcs.put(name, crc.getValue());
                        }
                    }
                }
            } else {
                {
                    jar.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(prefix))
                            .filter(e -> hashed(e.getName().substring(prefix.length())))
                            .forEach(e -> crcs.put(e.getName().substring(prefix.length()), e.getCrc()));
                }
            }
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                crcs.forEach((name, crc) -> {
                    digest.update(name.getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                    digest.update(Long.toString(crc).getBytes(StandardCharsets.US_ASCII));
                    digest.update((byte) '\n');
                });
                return HexFormat.of().formatHex(digest.digest());
            } catch (NoSuchAlgorithmException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    static List<String> split(String commaSeparated) {
        return commaSeparated == null || commaSeparated.isBlank() ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
