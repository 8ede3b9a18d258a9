package dev.loky.spring.workerlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A worker's log events reach the parent's log at their own level and under their own logger name,
 * a stack trace with its event, a worker's start-up chatter at DEBUG (its warnings at WARN), with a
 * real worker JVM and the parent's real console output. Before, every line a worker wrote was
 * logged again at INFO under {@code dev.loky.worker} (about 120 lines per start of a real
 * application, a WARN or an ERROR among them indistinguishable).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = WorkerLogApplication.class, properties = {"loky.max-workers=1", "loky.worker.startup-cache=off",
        "loky.memory.leak-protection=false"})
class WorkerLogLevelsTests {

    @Autowired
    WorkerLogApplication.ChattyService service;

    @Test
    void eventsKeepTheirLevelAndLoggerAndStartupChatterIsDebug(CapturedOutput output) {
        String marker = UUID.randomUUID().toString().substring(0, 8);
        long pid = service.render(marker);
        assertThat(pid).as("ran in a worker JVM").isNotEqualTo(ProcessHandle.current().pid());
        String tag = "pid " + pid + "]";

        // the worker's stderr reaches the parent's log asynchronously (a drain thread per worker)
        await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("plain stderr line " + marker));
        List<String> fromWorker = output.toString().lines().filter(l -> l.contains(tag)).toList();

        assertThat(line(fromWorker, "careful with " + marker)).contains(" WARN ").contains("chatty.render");
        assertThat(line(fromWorker, "rendering " + marker)).contains(" INFO ").contains("chatty.render");
        assertThat(line(fromWorker, "failed part of " + marker)).contains("ERROR").contains("chatty.render");
        assertThat(line(fromWorker, "java.lang.IllegalStateException: boom " + marker)).as("the stack trace goes with its event")
                .contains("ERROR").contains("chatty.render").doesNotContain("\u001e");
        assertThat(line(fromWorker, "plain stderr line " + marker)).as("a plain line after ready: INFO, as before")
                .contains(" INFO ").contains("dev.loky.worker");
        assertThat(fromWorker).as("DEBUG is not shown at the parent's INFO").noneMatch(l -> l.contains("debug detail " + marker));

        assertThat(fromWorker).as("the worker's start-up chatter is DEBUG").noneMatch(l -> l.contains("chatter at start-up in pid " + pid));
        assertThat(line(fromWorker, "a start-up warning in pid " + pid)).as("its start-up warnings stay WARN").contains(" WARN ");
        assertThat(fromWorker).as("no framing is left in the parent's log").noneMatch(l -> l.contains("\u001e"));
    }

    private static String line(List<String> lines, String text) {
        return lines.stream().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + text + "' from the worker in:\n" + String.join("\n", lines)));
    }
}
