package dev.loky.spring.worker;

import dev.loky.spring.invocation.CalledBeans;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.ClassUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The {@code @ProcessAsync} beans an application called in its earlier runs, kept in the private
 * cache directory (owned by this user, 0700; see {@code loky.worker.cache-dir}) in a file named by
 * a hash of the worker sources and the classpath. With it, workers that start before this run's
 * first call (prestarted ones, spares) create those beans once they are ready, and start from the
 * start-up cache recorded for them.
 *
 * <p>A remembered bean is keyed to what it depends on: its name, its class, and a fingerprint of
 * that class's bytes. An entry is dropped when the class is gone, has no {@code @ProcessAsync}
 * method any more, or changed (a refactor that moved {@code @ProcessAsync} to another bean used to
 * leave the old, expensive bean in the memory, and every prestarted worker built it and Hibernate
 * before it reported ready); a worker skips an entry whose name is no bean of that class in its
 * context. One entry per line: {@code name class fingerprint}. Thread-safe: writers replace the
 * file atomically.
 */
public final class CalledBeansMemory {

    private static final Log logger = LogFactory.getLog(CalledBeansMemory.class);

    /** More names than any application has {@code @ProcessAsync} beans: a longer file is not ours. */
    private static final int MAX_NAMES = 1000;

    /** A bean called through its {@code @ProcessAsync} proxy, with the class it had. */
    public record CalledBean(String name, String className, String fingerprint) implements Serializable {

        /** {@code beanClass}'s entry, or {@code null} when its bytes cannot be read (nothing to key it to). */
        static CalledBean of(String name, Class<?> beanClass) {
            String fingerprint = CalledBeansMemory.fingerprint(beanClass);
            return fingerprint == null ? null : new CalledBean(name, beanClass.getName(), fingerprint);
        }

        /**
         * {@code true} when {@code beanClass} is still the class this bean was called with, unchanged
         * (by name only for a class whose bytes could not be read, which is never remembered on disk).
         */
        boolean matches(Class<?> beanClass) {
            return beanClass != null && beanClass.getName().equals(className)
                    && (fingerprint.isEmpty() || fingerprint.equals(CalledBeansMemory.fingerprint(beanClass)));
        }
    }

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

    /**
     * The beans remembered whose class {@code loader} still loads, unchanged and with
     * {@code @ProcessAsync} methods; none if there is no (readable, plausible) file.
     */
    List<CalledBean> load(ClassLoader loader) {
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            logger.debug("loky: cannot read " + file + ": " + ex);
            return List.of();
        }
        if (lines.size() > MAX_NAMES) {
            return List.of();
        }
        List<CalledBean> beans = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.split(" ");
            if (fields.length != 3 || !isBeanName(fields[0])) {
                continue; // an older file's bare name included: nothing to check it against
            }
            CalledBean bean = new CalledBean(fields[0], fields[1], fields[2]);
            if (bean.matches(processAsyncClass(fields[1], loader))) {
                beans.add(bean);
            } else {
                logger.debug("loky: forgetting the called bean '" + fields[0] + "': its class " + fields[1]
                        + " is gone, changed, or has no @ProcessAsync method any more");
            }
        }
        return beans;
    }

    /** Replaces the remembered beans with {@code beans}. */
    void save(Collection<CalledBean> beans) {
        Path temporary = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Set<String> lines = new TreeSet<>();
            for (CalledBean bean : beans) {
                lines.add(bean.name() + " " + bean.className() + " " + bean.fingerprint());
            }
            Files.write(temporary, lines, StandardCharsets.UTF_8);
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

    /** The class named, if {@code loader} loads it and it has a {@code @ProcessAsync} method; else {@code null}. */
    static Class<?> processAsyncClass(String className, ClassLoader loader) {
        try {
            Class<?> type = ClassUtils.forName(className, loader);
            return CalledBeans.hasProcessAsyncMethods(type) ? type : null;
        } catch (ClassNotFoundException | LinkageError ex) {
            return null;
        }
    }

    /** A hash of the class file's bytes, or {@code null} when they cannot be read. */
    static String fingerprint(Class<?> type) {
        ClassLoader loader = type.getClassLoader() == null ? ClassLoader.getSystemClassLoader() : type.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            return in == null ? null : hash(in.readAllBytes());
        } catch (IOException ex) {
            return null;
        }
    }

    private static boolean isBeanName(String name) {
        return !name.isEmpty() && name.length() <= 256 && name.chars().noneMatch(Character::isISOControl);
    }

    private static String hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 10);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
