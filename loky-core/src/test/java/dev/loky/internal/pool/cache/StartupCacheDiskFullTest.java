package dev.loky.internal.pool.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A start-up cache on a full disk: the recording worker cannot write its archive. Before, nothing
 * said so (the JVM's own complaint went to the worker log at INFO and loky deleted the empty file
 * silently); now one WARN line names the cache, the free space and the JVM's last words. The full
 * disk is a real 64 KiB tmpfs (mounting needs root, as CI has; skipped otherwise).
 */
class StartupCacheDiskFullTest {

    @TempDir
    Path tmp;
    private Path mounted;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(dev.loky.internal.pool.scheduling.PoolLog.NAME);

    @AfterEach
    void unmount() throws Exception {
        logger.detachAppender(appender);
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aRecordingThatCannotBeWrittenIsReportedOnceAtWarn() throws Exception {
        Path disk = Files.createDirectory(tmp.resolve("full"));
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        Assumptions.assumeTrue(mount.waitFor() == 0, () -> "cannot mount a tmpfs here");
        mounted = disk;
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);

        ProcessExecutor pool = ProcessExecutors.create(PoolConfig.builder().name("disk-full").maxWorkers(1)
                .classpath(jarsOnly()).startupCacheDir(disk.resolve("cache")).prestart(true).build());
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> appender.list.stream()
                    .anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("was not recorded")));
            ILoggingEvent warning = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).findFirst().orElseThrow();
            assertThat(warning.getFormattedMessage()).contains(disk.resolve("cache").toString())
                    .contains("MB free in").contains("is the disk full?");
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(Duration.ofSeconds(30));
        }
    }

    /** The worker's class path as jars only (the JVM archives classes from jars): loky-core's classes jarred, its dependencies. */
    private String jarsOnly() throws IOException {
        Path classes = Path.of(PoolConfig.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path jar = tmp.resolve("loky-core.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
        }
        List<String> entries = new ArrayList<>(List.of(jar.toString()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
