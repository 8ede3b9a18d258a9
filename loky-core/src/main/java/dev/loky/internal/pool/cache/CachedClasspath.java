package dev.loky.internal.pool.cache;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The files of the workers' class path that lie in loky's cache directory (an executable jar's
 * extracted layout: its application jar and the libraries its manifest lists), as they were when
 * the pool was made. They were checked against their hashes then; before each launch they are
 * checked again, cheaply (file identity, size and modification time), so that a worker never runs
 * a jar that changed since, whoever changed it.
 *
 * <p>Immutable; any thread may call {@link #changed()}.
 */
public final class CachedClasspath {

    private record Stamp(Object fileKey, long size, long modifiedMillis) {
        public static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new Stamp(a.fileKey(), a.size(), a.lastModifiedTime().toMillis());
        }
    }

    private static final CachedClasspath NONE = new CachedClasspath(Map.of());

    private final Map<Path, Stamp> stamps;

    private CachedClasspath(Map<Path, Stamp> stamps) {
        this.stamps = stamps;
    }

    /** The entries of {@code classpath} under {@code cacheDir} (none when it is {@code null}), with their manifests' libraries. */
    public static CachedClasspath of(String classpath, Path cacheDir) {
        if (cacheDir == null || classpath == null) {
            return NONE;
        }
        Path root = cacheDir.toAbsolutePath().normalize();
        Map<Path, Stamp> stamps = new LinkedHashMap<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path path = Path.of(entry).toAbsolutePath().normalize();
            if (path.startsWith(root)) {
                stamp(path, stamps);
                for (Path library : manifestClassPath(path)) {
                    if (library.startsWith(root)) {
                        stamp(library, stamps);
                    }
                }
            }
        }
        return stamps.isEmpty() ? NONE : new CachedClasspath(Map.copyOf(stamps));
    }

    private static void stamp(Path file, Map<Path, Stamp> stamps) {
        try {
            stamps.put(file, Stamp.of(file));
        } catch (IOException e) {
            stamps.put(file, null); // missing now: a launch says so
        }
    }

    /** The libraries a jar's manifest lists ({@code Class-Path}, relative to the jar). */
    private static Iterable<Path> manifestClassPath(Path jar) {
        if (!Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS) || !jar.toString().endsWith(".jar")) {
            return java.util.List.of();
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (value == null || value.isBlank()) {
                return java.util.List.of();
            }
            java.util.List<Path> libraries = new java.util.ArrayList<>();
            for (String relative : value.trim().split("\\s+")) {
                if (!relative.contains(":")) { // relative URLs only (an extracted layout's lib/...)
                    libraries.add(jar.getParent().resolve(java.net.URLDecoder.decode(relative,
                            java.nio.charset.StandardCharsets.UTF_8)).normalize());
                }
            }
            return libraries;
        } catch (IOException | RuntimeException e) {
            return java.util.List.of();
        }
    }

    /** Why a worker must not start on these files now (the first one that changed), or {@code null}. */
    public String changed() {
        for (Map.Entry<Path, Stamp> e : stamps.entrySet()) {
            Stamp now;
            try {
                now = Stamp.of(e.getKey());
            } catch (IOException missing) {
                now = null;
            }
            if (!java.util.Objects.equals(now, e.getValue())) {
                return "the class path file " + e.getKey() + " in loky's cache directory "
                        + (now == null ? "is gone" : "changed") + " since the pool was made (it was checked against its"
                        + " hashes then); workers do not run it. Restart the application to extract and check it again.";
            }
        }
        return null;
    }
}
