package dev.loky.internal.pool.cache;

import static dev.loky.support.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import dev.loky.WorkerStartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A jar that workers run from loky's cache directory (an extracted layout) is checked before each
 * launch, not only when the layout was found: one changed since the pool was made is never run.
 */
class CachedClasspathTest {

    @TempDir
    Path tmp;

    /** {@code app.jar} whose manifest lists {@code lib/library.jar}, as an extracted layout's does. */
    private Path layout() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cache").resolve("extracted-1"));
        Files.createDirectories(dir.resolve("lib"));
        jar(dir.resolve("lib/library.jar"), null);
        jar(dir.resolve("app.jar"), "lib/library.jar");
        return dir;
    }

    private static void jar(Path path, String classPath) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }

    @Test
    void unchangedFilesPassAndEveryKindOfChangeIsNamed() throws IOException {
        Path dir = layout();
        String classpath = "/elsewhere/outside.jar" + File.pathSeparator + dir.resolve("app.jar");
        CachedClasspath cached = CachedClasspath.of(classpath, tmp.resolve("cache"));
        assertThat(cached.changed()).isNull();

        // a library listed only in the manifest, replaced by another file (new inode)
        Path planted = tmp.resolve("planted.jar");
        jar(planted, null);
        Files.move(planted, dir.resolve("lib/library.jar"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(cached.changed()).contains(dir.resolve("lib/library.jar").toString()).contains("changed");

        CachedClasspath again = CachedClasspath.of(classpath, tmp.resolve("cache"));
        assertThat(again.changed()).isNull();
        Files.delete(dir.resolve("app.jar"));
        assertThat(again.changed()).contains("app.jar").contains("is gone");
    }

    @Test
    void filesOutsideTheCacheDirectoryAreNotWatched() throws IOException {
        Path dir = layout();
        assertThat(CachedClasspath.of(dir.resolve("app.jar").toString(), tmp.resolve("other")).changed()).isNull();
        assertThat(CachedClasspath.of(dir.resolve("app.jar").toString(), null).changed()).isNull();
    }

    @Test
    void aWorkerIsNotStartedOnAJarThatChangedSinceThePoolWasMade() throws IOException {
        Path dir = layout();
        Path cache = tmp.resolve("cache");
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        String classpath = System.getProperty("java.class.path") + File.pathSeparator + dir.resolve("app.jar");
        ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("cached-classpath").maxWorkers(1)
                .classpath(classpath).startupCacheDir(cache).build());
        try {
            Files.writeString(dir.resolve("app.jar"), "planted", java.nio.file.StandardOpenOption.APPEND);
            WorkerStartupException e = failure(pool.submit(() -> 1), WorkerStartupException.class);
            assertThat(e).hasMessageContaining("its process was not started");
            assertThat(e.workerOutput()).contains(dir.resolve("app.jar") + " in loky's cache directory changed");
        } finally {
            pool.shutdownNow();
        }
    }
}
