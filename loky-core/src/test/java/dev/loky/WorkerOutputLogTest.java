package dev.loky;

import static dev.loky.support.Futures.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.loky.support.Tasks;

/**
 * docs/failure-semantics.md: a worker's stderr (and its System.out, moved there) is drained into the parent's log,
 * prefixed with the worker id. Captured with a logback appender on the {@code dev.loky} loggers.
 */
class WorkerOutputLogTest {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger lokyLogger;
    private Level previousLevel;
    private ProcessExecutor pool;

    @BeforeEach
    void capture() {
        lokyLogger = (Logger) LoggerFactory.getLogger("dev.loky");
        previousLevel = lokyLogger.getLevel();
        lokyLogger.setLevel(Level.INFO);
        appender.start();
        lokyLogger.addAppender(appender);
    }

    @AfterEach
    void release() {
        if (pool != null) {
            pool.shutdownNow();
        }
        lokyLogger.detachAppender(appender);
        lokyLogger.setLevel(previousLevel);
    }

    @Test
    void workerStdoutAndStderrReachTheParentsLogPrefixedWithTheWorker() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("logs").maxWorkers(1).build());
        String nonce = UUID.randomUUID().toString();

        long pid = value(pool.submit(() -> {
            System.out.println("stdout line " + nonce);
            System.err.println("stderr line " + nonce);
            return Tasks.pid();
        }));

        await("both lines in the parent's log").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> lines = messagesContaining(nonce);
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("stdout line " + nonce).contains(Long.toString(pid)));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("stderr line " + nonce).contains(Long.toString(pid)));
        });
    }

    @Test
    void aHugeStderrLineWithoutANewlineIsCutInto8KbLinesAndLaterOutputStillArrives() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("longline").maxWorkers(1).build());
        String marker = "after the long line " + UUID.randomUUID();
        value(pool.submit(() -> Tasks.longStderrLine(64L << 20, marker)));
        await("the marker after the long line").atMost(Duration.ofSeconds(30)).until(() -> !messagesContaining(marker).isEmpty());
        synchronized (appender) {
            assertThat(appender.list).filteredOn(e -> e.getFormattedMessage().contains("zzzz"))
                    .allSatisfy(e -> assertThat(e.getFormattedMessage().length()).isLessThan(8192 + 200))
                    .hasSizeGreaterThan(64 * 100);
        }
    }

    @Test
    void garbageOnTheChannelLogsABoundedSample() {
        pool = ProcessExecutors.create(PoolConfig.builder().name("garbage").maxWorkers(1).build());
        long pid = value(pool.submit(() -> {
            Tasks.writeRawToFd1(20 << 20);
            return Tasks.pid();
        }));
        assertThat(value(pool.submit(Tasks::pid))).isEqualTo(pid);
        await().atMost(Duration.ofSeconds(10)).until(() -> !messagesContaining("keeps writing outside the protocol").isEmpty());
        assertThat(messagesContaining("outside the protocol")).hasSizeLessThanOrEqualTo(21);
    }

    private List<String> messagesContaining(String text) {
        List<String> out = new ArrayList<>();
        synchronized (appender) {
            for (ILoggingEvent e : new ArrayList<>(appender.list)) {
                if (e.getFormattedMessage().contains(text)) {
                    out.add(e.getFormattedMessage());
                }
            }
        }
        return out;
    }
}
