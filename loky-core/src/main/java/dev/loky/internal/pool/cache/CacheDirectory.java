package dev.loky.internal.pool.cache;

import dev.loky.internal.pool.scheduling.PoolLog;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The directory where worker start-up caches and extracted jars live. Workers run what is in it
 * (a CDS archive or AOT cache maps classes, an extracted jar is their classpath), so nobody but this
 * user may be able to write there: a directory that another local user could create first, or
 * write into, would let them plant code that the workers run.
 *
 * <p>{@link #open} creates the directory (mode 0700) or accepts an existing one only if it is a real
 * directory (not a symbolic link), owned by this process's user, and not writable by group or
 * others; otherwise it warns once and returns empty, and the pool runs without a cache. Entries are
 * only ever read with {@link LinkOption#NOFOLLOW_LINKS} checks ({@link #isPlainFile}), so no link
 * leads out of it. {@link #prune} keeps it under a size, oldest entries first.
 *
 * <p>Public only for loky's Spring Boot auto-configuration (which extracts fat jars into the same
 * directory); not part of loky's API. Stateless and thread-safe.
 */
public final class CacheDirectory {

    private static final Logger log = PoolLog.logger();
    /** Directories already warned about: one warning each, not one per pool or per worker command. */
    private static final Set<Path> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private CacheDirectory() {
    }

    /**
     * The default: {@code $XDG_CACHE_HOME/loky}, else {@code ~/.cache/loky}, else
     * {@code loky-<user>} under {@code java.io.tmpdir}.
     */
    public static Path defaultLocation() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "loky");
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && !home.equals("?") && Files.isDirectory(Path.of(home))) {
            return Path.of(home, ".cache", "loky");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "loky-" + System.getProperty("user.name", "user"));
    }

    /** {@code dir}, created private if missing, if only this user can write it; otherwise a warning and empty. */
    public static Optional<Path> open(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        try {
            if (!Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
                if (absolute.getParent() != null) {
                    Files.createDirectories(absolute.getParent());
                }
                if (posix()) {
                    Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createDirectory(absolute);
                }
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // created meanwhile (by another application of this user, or by someone else): checked below
        } catch (IOException e) {
            log.warn("loky cache directory {} not used (running without the worker startup cache): cannot create it: {}", absolute, e.toString());
            return Optional.empty();
        }
        Optional<String> problem = problem(absolute);
        if (problem.isPresent() && WARNED.add(absolute)) {
            log.warn("loky cache directory {} not used (running without the worker startup cache): {}. Workers run what is in it, "
                    + "so it must be a directory owned by this user and writable by no one else (chmod 700), or set "
                    + "loky.worker.cache-dir (PoolConfig.startupCacheDir) to such a directory.", absolute, problem.get());
        }
        return problem.isPresent() ? Optional.empty() : Optional.of(absolute);
    }

    /** Why {@code dir} must not be used, or empty if it is fine. */
    public static Optional<String> problem(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            return Optional.of("it is a symbolic link");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("it is not a directory");
        }
        if (!posix()) {
            return Optional.empty();
        }
        try {
            PosixFileAttributes attributes = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            String user = System.getProperty("user.name");
            if (user != null && !attributes.owner().getName().equals(user)) {
                return Optional.of("it is owned by " + attributes.owner().getName() + ", not by " + user);
            }
            Set<PosixFilePermission> permissions = attributes.permissions();
            if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                return Optional.of("it is writable by " + (permissions.contains(PosixFilePermission.OTHERS_WRITE) ? "others" : "its group")
                        + " (" + PosixFilePermissions.toString(permissions) + ")");
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("its owner and permissions cannot be read: " + e);
        }
        return ancestorProblem(dir);
    }

    /**
     * Why an ancestor of {@code dir} lets another user replace it, or empty: as OpenSSH's StrictModes,
     * every ancestor must be owned by root or by this user, and not writable by group or others unless
     * it is sticky (as {@code /tmp} is), since whoever can write a parent can rename the cache away and
     * plant another in its place.
     */
    static Optional<String> ancestorProblem(Path dir) {
        String user = System.getProperty("user.name");
        for (Path ancestor = dir.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            try {
                PosixFileAttributes attributes = Files.getFileAttributeView(ancestor, PosixFileAttributeView.class)
                        .readAttributes();
                String owner = attributes.owner().getName();
                if (!owner.equals("root") && !owner.equals(user)) {
                    return Optional.of("its parent directory " + ancestor + " is owned by " + owner
                            + ", who could replace it (every parent must belong to root or " + user + ")");
                }
                Set<PosixFilePermission> permissions = attributes.permissions();
                boolean writable = permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE);
                if (writable && !sticky(ancestor)) {
                    return Optional.of("its parent directory " + ancestor + " is writable by others ("
                            + PosixFilePermissions.toString(permissions) + ", not sticky), who could replace it");
                }
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.of("the owner and permissions of its parent directory " + ancestor + " cannot be read: " + e);
            }
        }
        return Optional.empty();
    }

    private static boolean sticky(Path dir) {
        try {
            return (((Integer) Files.getAttribute(dir, "unix:mode")) & 01000) != 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    /** {@code path} is a regular file itself, not a link to one. */
    public static boolean isPlainFile(Path path) {
        return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** Marks an entry as just used, so that {@link #prune} removes it last. */
    public static void touch(Path entry) {
        try {
            Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // pruning order only
        }
    }

    /**
     * Deletes the top-level entries of {@code dir}, least recently modified first, until what is left
     * takes at most {@code maxBytes}. Entries modified in the last minute (being written or just used)
     * are kept. Symbolic links are deleted as links, never followed.
     */
    public static void prune(Path dir, long maxBytes) {
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(entries::add);
        } catch (IOException e) {
            log.debug("cannot list {} to prune it", dir, e);
            return;
        }
        long total = 0;
        List<long[]> sizes = new ArrayList<>();
        for (Path entry : entries) {
            long size = size(entry);
            sizes.add(new long[] {size, modified(entry)});
            total += size;
        }
        if (total <= maxBytes) {
            return;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> sizes.get(i)[1]));
        long recent = System.currentTimeMillis() - 60_000;
        for (int i : order) {
            if (total <= maxBytes) {
                break;
            }
            if (sizes.get(i)[1] > recent) {
                continue;
            }
            if (delete(entries.get(i))) {
                total -= sizes.get(i)[0];
                log.info("loky cache: removed {} ({} bytes) to stay under {} bytes", entries.get(i), sizes.get(i)[0], maxBytes);
            }
        }
    }

    private static long size(Path entry) {
        if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            try {
                return Files.size(entry);
            } catch (IOException e) {
                return 0;
            }
        }
        try (Stream<Path> walk = Files.walk(entry)) {
            return walk.filter(CacheDirectory::isPlainFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static long modified(Path entry) {
        try {
            return Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Deletes a file, link or directory tree without following links; {@code true} if it is gone. */
    public static boolean delete(Path entry) {
        try (Stream<Path> walk = Files.walk(entry)) { // Files.walk does not follow links by default
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // reported below by the existence check
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // fall through
        }
        return !Files.exists(entry, LinkOption.NOFOLLOW_LINKS);
    }

    /** The SHA-256 of a file's content, hex; never follows a symlink. */
    public static String sha256(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
