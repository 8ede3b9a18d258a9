package dev.loky.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * File-based coordination between a test and tasks running in workers: a task announces itself
 * (and its pid) in a "started" file and waits for the "release" file. Paths are plain strings so
 * that lambdas capture nothing but strings.
 */
public final class Gate {

    private final Path dir;

    public Gate(Path dir) {
        this.dir = dir;
    }

    public static Gate in(Path parent, String name) {
        try {
            return new Gate(Files.createDirectories(parent.resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file a task named {@code name} writes its pid to when it starts. */
    public String started(String name) {
        return dir.resolve(name + ".started").toString();
    }

    /** The file whose existence releases every holding task of this gate. */
    public String release() {
        return dir.resolve("release").toString();
    }

    /** A fresh, empty directory for a {@link Tasks#rendezvous} group. */
    public String rendezvousDir(String name) {
        try {
            return Files.createDirectories(dir.resolve("rv-" + name)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String marker(String name) {
        return dir.resolve(name + ".marker").toString();
    }

    /** Waits (at most 60 s: worker start-up included) until the task announced itself; returns its pid. */
    public long awaitStarted(String name) {
        Path file = Path.of(started(name));
        await("task '" + name + "' to start in a worker").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10)).until(() -> Files.exists(file));
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean hasStarted(String name) {
        return Files.exists(Path.of(started(name)));
    }

    /** Releases every task waiting on this gate. */
    public void open() {
        try {
            Files.writeString(Path.of(release()), "go");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
