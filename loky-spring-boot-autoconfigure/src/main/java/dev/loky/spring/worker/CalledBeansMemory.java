package dev.loky.spring.worker;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The names of the {@code @ProcessAsync} beans an application called in its earlier runs, kept in
 * the private cache directory (owned by this user, 0700; see {@code loky.worker.cache-dir}) in a file
 * named by a hash of the worker sources and the classpath. With it, workers that start before this
 * run's first call (prestarted ones, spares) create those beans before they report ready too, and
 * start from the start-up cache recorded for them. A name that is no bean of this run's context is
 * skipped by the worker; the file holds bean names only, one per line. Thread-safe: writers replace
 * the file atomically.
 */
public final class CalledBeansMemory {

    private static final Log logger = LogFactory.getLog(CalledBeansMemory.class);

    /** More names than any application has {@code @ProcessAsync} beans: a longer file is not ours. */
    private static final int MAX_NAMES = 1000;

    private final Path file;

    private CalledBeansMemory(Path file) {
        this.file = file;
    }

    /**
     * The memory of the application whose workers boot {@code sources} from {@code classpath}, in
     * {@code privateDir} (a directory already opened with {@code CacheDirectory.open}).
     */
    public static CalledBeansMemory in(Path privateDir, List<String> sources, String classpath) {
        return new CalledBeansMemory(privateDir.resolve("loky-called-beans-" + hash(String.join(",", sources) + "\n" + classpath) + ".txt"));
    }

    /** The names remembered, or none if there is no (readable, plausible) file. */
    Set<String> load() {
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Set.of();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            Set<String> names = new LinkedHashSet<>();
            for (String line : lines) {
                if (isBeanName(line)) {
                    names.add(line);
                }
            }
            return names.size() > MAX_NAMES ? Set.of() : names;
        } catch (IOException ex) {
            logger.debug("loky: cannot read " + file + ": " + ex);
            return Set.of();
        }
    }

    /** Replaces the remembered names with {@code names}. */
    void save(Collection<String> names) {
        Path temporary = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(temporary, new TreeSet<>(names), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            logger.debug("loky: cannot write " + file + ": " + ex);
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // nothing more to do: the memory is an optimisation
            }
        }
    }

    Path file() {
        return file;
    }

    private static boolean isBeanName(String line) {
        return !line.isEmpty() && line.length() <= 256 && line.chars().noneMatch(Character::isISOControl);
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 10);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
