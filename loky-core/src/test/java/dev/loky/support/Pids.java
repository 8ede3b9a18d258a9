package dev.loky.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;

/** Real processes and real signals. */
public final class Pids {

    private Pids() {
    }

    public static boolean isAlive(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive();
    }

    /** Sends SIGKILL with the real {@code kill} command. */
    public static void kill9(long... pids) {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-9"));
        Arrays.stream(pids).forEach(p -> command.add(Long.toString(p)));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes());
            int code = kill.waitFor();
            if (code != 0) {
                throw new AssertionError(command + " failed with " + code + ": " + output);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /** Sends {@code SIG<name>} with the real {@code kill} command; a target {@code -<pgid>} is a process group. */
    public static void signal(String name, String target) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, "--", target).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes());
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -" + name + " " + target + " failed: " + output);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running kill", e);
        }
    }

    /** Waits until none of these processes is alive. */
    public static void awaitGone(Duration atMost, long... pids) {
        await("processes " + Arrays.toString(pids) + " to be gone").atMost(atMost)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> Arrays.stream(pids).noneMatch(Pids::isAlive));
    }

    public static void awaitGone(long... pids) {
        awaitGone(Duration.ofSeconds(20), pids);
    }

    /** Pids of the workers that are ready or busy. */
    public static Set<Long> livePids(ProcessExecutor pool) {
        return pool.snapshot().workers().stream()
                .filter(w -> w.state() == PoolSnapshot.WorkerState.IDLE || w.state() == PoolSnapshot.WorkerState.BUSY)
                .map(PoolSnapshot.Worker::pid)
                .collect(Collectors.toSet());
    }

    /** Best effort: kills whatever is still alive (cleanup after a failed assertion). */
    public static void killQuietly(long... pids) {
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
