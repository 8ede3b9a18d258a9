package dev.loky;

import static dev.loky.support.Futures.chain;
import static dev.loky.support.Futures.failure;
import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.loky.support.Tasks;

/**
 * docs/failure-semantics.md: "a worker cannot start (bad JVM arg, context fails) → WorkerStartupException with the
 * worker's stderr, for the waiting tasks; retries with backoff, no respawn storm".
 */
class WorkerStartupFailureTest {

    private ProcessExecutor pool;

    @AfterEach
    void close() {
        if (pool != null) {
            ProcessExecutor p = pool;
            assertTimeoutPreemptively(Duration.ofSeconds(30), p::shutdownNow, "shutdownNow of a failing pool hung");
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> p.awaitTermination(Duration.ofSeconds(20)));
        }
    }

    @Test
    void unknownJvmOptionFailsWaitingTasksWithTheJvmsComplaintWithoutARespawnStorm() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("bad-flag").maxWorkers(2)
                .jvmArgs(List.of("-XX:+ThisFlagDoesNotExist")).build());

        CompletableFuture<Integer> first = pool.submit(() -> 1);
        CompletableFuture<Integer> second = pool.submit(() -> 2);

        WorkerStartupException e = failure(first, WorkerStartupException.class);
        assertThat(e.workerOutput() + "\n" + e.getMessage()).contains("Unrecognized VM option");
        assertThat(e.workerOutput()).contains("ThisFlagDoesNotExist");
        failure(second, WorkerStartupException.class);

        PoolSnapshot snapshot = pool.snapshot();
        assertThat(snapshot.lastStartupError()).isNotNull();
        assertThat(snapshot.counters().startupFailures()).isPositive();
        assertThat(snapshot.counters().consecutiveStartupFailures()).isPositive();

        long failuresSoFar = snapshot.counters().startupFailures();
        await("no respawn storm").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> pool.snapshot().counters().startupFailures() <= failuresSoFar + 10);

        // a later task is not left hanging either
        failure(pool.submit(() -> 3), WorkerStartupException.class);
    }

    @Test
    void initializerThatThrowsIsAWorkerStartupException() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("bad-init").maxWorkers(1)
                .initializer(Tasks::failInitialization).build());

        WorkerStartupException e = failure(pool.submit(() -> 1), WorkerStartupException.class);

        assertThat(chain(e) + "\n" + e.workerOutput()).contains("initializer exploded on purpose");
        assertThat(pool.snapshot().lastStartupError()).isNotNull();
    }

    @Test
    void missingMainClassIsAWorkerStartupException() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("no-main").maxWorkers(1)
                .mainClass("dev.loky.NoSuchWorkerMain").build());

        WorkerStartupException e = failure(pool.submit(() -> 1), WorkerStartupException.class);

        assertThat(e.workerOutput() + "\n" + e.getMessage()).contains("dev.loky.NoSuchWorkerMain");
    }

    @Test
    void workerNotReadyWithinTheStartupTimeoutIsAWorkerStartupException() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("slow-start").maxWorkers(1)
                .initializer(() -> Tasks.slowInitialization(30_000))
                .startupTimeout(Duration.ofSeconds(1)).build());

        WorkerStartupException e = failure(pool.submit(() -> 1), WorkerStartupException.class);

        assertThat(e.getMessage()).matches("(?is).*(timeout|timed out|not ready|within).*");
    }

    @Test
    void aStartupTimeoutShowsWhatTheSilentWorkerWasDoing() {
        // the worker writes nothing: its output still shows where its threads were (a thread dump taken before the kill);
        // the message stays short (an application may show getMessage() to its API clients) and points there
        pool = ProcessExecutors.create(PoolConfig.builder().name("silent-start").maxWorkers(1)
                .initializer(() -> Tasks.slowInitialization(60_000))
                .startupTimeout(Duration.ofSeconds(2)).build());

        WorkerStartupException e = failure(pool.submit(() -> 1), WorkerStartupException.class);

        assertThat(e.getMessage()).contains("not ready within").contains("workerOutput()").doesNotContain("slowInitialization");
        assertThat(e.workerOutput()).contains("\"main\"").contains("slowInitialization");
    }

    @Test
    void aWorkingPoolIsNotAffectedByAnotherPoolsStartupFailures() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("bad-flag-2").maxWorkers(1)
                .jvmArgs(List.of("-XX:+ThisFlagDoesNotExist")).build());
        try (ProcessExecutor healthy = ProcessExecutors.create(PoolConfig.builder().name("healthy").maxWorkers(1).build())) {
            failure(pool.submit(() -> 1), WorkerStartupException.class);
            assertThat(value(healthy.submit(() -> "fine"))).isEqualTo("fine");
        }
    }

    @Test
    void aPoolWhoseWorkersCouldNotStartRecoversByItselfOnceTheCauseIsGone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path broken = java.nio.file.Files.createFile(dir.resolve("broken"));
        String marker = broken.toString();
        pool = ProcessExecutors.create(PoolConfig.builder().name("recovering").maxWorkers(1).prestart(true)
                .initializer(() -> failWhileExists(marker)).build());

        await("a start-up failure").atMost(Duration.ofSeconds(60))
                .until(() -> pool.snapshot().counters().consecutiveStartupFailures() > 0);
        java.nio.file.Files.delete(broken);

        // no task is submitted: the pool retries in the background and recovers
        await("a live worker again").atMost(Duration.ofSeconds(60))
                .until(() -> pool.snapshot().liveWorkers() == 1);
        assertThat(pool.snapshot().counters().consecutiveStartupFailures()).isZero();
        assertThat(value(pool.submit(() -> 7))).isEqualTo(7);
    }

    /**
     * Identical failed starts are one problem in the log: before, each logged its whole message and
     * output at ERROR (12 pages of the same Hibernate output in a real application).
     */
    @Test
    void identicalFailedStartsAreLoggedInFullOnceThenOneLineEach(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path broken = java.nio.file.Files.createFile(dir.resolve("broken"));
        String marker = broken.toString();
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(dev.loky.internal.pool.scheduling.PoolLog.NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events = new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        logger.addAppender(events);
        try {
            pool = ProcessExecutors.create(PoolConfig.builder().name("same-failure").maxWorkers(1).prestart(true)
                    .initializer(() -> failWhileExists(marker)).build());
            await("three failed starts").atMost(Duration.ofSeconds(90))
                    .until(() -> pool.snapshot().counters().consecutiveStartupFailures() >= 3);
            java.nio.file.Files.delete(broken);
            await("a live worker again").atMost(Duration.ofSeconds(60)).until(() -> pool.snapshot().liveWorkers() == 1);
        } finally {
            logger.detachAppender(events);
            logger.setLevel(level);
        }
        List<ch.qos.logback.classic.spi.ILoggingEvent> seen = List.copyOf(events.list);
        List<String> errors = seen.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        List<String> repeats = seen.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).filter(m -> m.contains("for the same reason")).toList();
        assertThat(errors).as("one failure in full").hasSize(1);
        assertThat(errors.get(0)).contains("could not start").contains("cannot start while");
        assertThat(repeats).as("the repeats, one line each").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(line -> assertThat(line).doesNotContain("\n").contains("failed starts in a row").contains("cannot start while"));
        assertThat(seen).map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).containsPattern("started after \\d+ failed starts"));
    }

    static void failWhileExists(String marker) {
        if (java.nio.file.Files.exists(java.nio.file.Path.of(marker))) {
            throw new IllegalStateException("cannot start while " + marker + " exists");
        }
    }
}
