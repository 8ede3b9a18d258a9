package dev.loky.internal.pool.process;

import dev.loky.internal.pool.scheduling.PoolLog;
import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where crashing workers write their fatal-error reports ({@code -XX:ErrorFile}). Not a fixed name in
 * {@code java.io.tmpdir}, where another local user could plant a symbolic link in advance and have a
 * crashing worker write over one of this user's files (or read the report, which holds memory
 * contents): a directory with a random name that only this user can enter
 * ({@link Files#createTempDirectory} makes it 0700), one per JVM, made on first use.
 */
final class ErrorFiles {

    private static final Logger log = PoolLog.logger();
    private static Path directory;

    private ErrorFiles() {
    }

    public static synchronized Path directory() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("loky-worker-errors-");
                directory.toFile().deleteOnExit(); // only if it stayed empty: crash reports are kept
            } catch (IOException e) {
                // the JVM's own default: the worker's working directory, which this user chose
                log.warn("cannot create a private directory for worker crash reports: {}; they go to the working directory", e.toString());
                directory = Path.of("").toAbsolutePath();
            }
        }
        return directory;
    }
}
