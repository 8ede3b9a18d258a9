package dev.loky.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An extracted layout is reused only when it is exactly what loky extracted (real files, real links). */
class ExtractedJarTests {

    @TempDir
    Path tmp;

    @Test
    void aLayoutMatchingItsManifestIsAcceptedAndAnyChangeIsNot() throws Exception {
        Path layout = layout(tmp.resolve("layout"));
        ExtractedJar.writeManifest(layout);
        assertThat(ExtractedJar.problem(layout)).isEmpty();

        Files.write(layout.resolve("lib/library.jar"), new byte[] {9, 9, 9});
        assertThat(ExtractedJar.problem(layout)).hasValueSatisfying(p -> assertThat(p).contains("do not match"));

        Path other = layout(tmp.resolve("other"));
        ExtractedJar.writeManifest(other);
        Files.writeString(other.resolve("lib/planted.jar"), "extra");
        assertThat(ExtractedJar.problem(other)).isPresent();

        Path linked = layout(tmp.resolve("linked"));
        ExtractedJar.writeManifest(linked);
        Files.delete(linked.resolve("lib/library.jar"));
        Files.createSymbolicLink(linked.resolve("lib/library.jar"), layout.resolve("lib/library.jar"));
        assertThat(ExtractedJar.problem(linked)).hasValueSatisfying(p -> assertThat(p).contains("symbolic link"));

        Path unfinished = layout(tmp.resolve("unfinished"));
        assertThat(ExtractedJar.problem(unfinished)).hasValueSatisfying(p -> assertThat(p).contains("no manifest"));
    }

    @Test
    void aTamperedLayoutInTheCacheIsNotUsed() throws Exception {
        Path cache = Files.createDirectory(tmp.resolve("cache"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path fatJar = Files.write(tmp.resolve("app.jar"), new byte[] {1, 2, 3}); // not a Boot jar: extraction fails
        Path planted = layout(cache.resolve("extracted-" + ExtractedJar.key(fatJar.toAbsolutePath().normalize())));
        ExtractedJar.writeManifest(planted);
        Files.write(planted.resolve("app.jar"), new byte[] {6, 6, 6});

        assertThat(ExtractedJar.of(fatJar, cache, null, 1L << 30)).as("falls back to Boot's launcher").isEmpty();
        assertThat(planted).doesNotExist();
    }

    @Test
    void aWorldWritableCacheDirectoryIsNotUsedForExtraction() throws Exception {
        Path cache = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path fatJar = Files.write(tmp.resolve("app.jar"), new byte[] {1, 2, 3});
        Path planted = layout(cache.resolve("extracted-" + ExtractedJar.key(fatJar.toAbsolutePath().normalize())));
        ExtractedJar.writeManifest(planted); // even a consistent layout: anyone could have written it

        assertThat(ExtractedJar.of(fatJar, cache, null, 1L << 30)).isEmpty();
    }

    private static Path layout(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        Files.write(dir.resolve("app.jar"), new byte[] {1, 2});
        Files.write(dir.resolve("lib/library.jar"), new byte[] {3, 4});
        return dir;
    }
}
