package dev.loky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The terminal bar in a real pseudo-terminal (tmux), read off the screen. Before: {@code 0/?} until
 * a whole chunk finished, then a jump by the chunk's size; log lines broke the bar's line; a
 * fail-fast map left its bar open, redrawing after the exception.
 */
class TerminalProgressBarTest {

    private final String session = "loky-bar-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void kill() throws Exception {
        run(List.of("tmux", "kill-session", "-t", session));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void theBarStartsWithItsTotalMovesPerItemSurvivesLogLinesAndClosesOnFailure() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "needs tmux for a real pseudo-terminal");
        Path done = Files.createTempFile("loky-bar", ".done");
        Files.delete(done);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = java + " -cp '" + System.getProperty("java.class.path") + "' " + ProgressBarMain.class.getName()
                + "; touch " + done;
        Process tmux = new ProcessBuilder("tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "50", "bash", "-c",
                command + "; sleep 60").redirectErrorStream(true).start();
        String said = new String(tmux.getInputStream().readAllBytes());
        Assumptions.assumeTrue(tmux.waitFor(30, TimeUnit.SECONDS) && tmux.exitValue() == 0, () -> "tmux cannot start here: " + said);
        await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(done));
        String screen = run(List.of("tmux", "capture-pane", "-p", "-t", session));
        Files.deleteIfExists(done);

        List<String> lines = screen.lines().toList();
        assertThat(lines).as(screen).contains("LOG line from the app"); // a line of its own, not glued to the bar
        assertThat(screen).as(screen).contains("squares-sum=20540").contains("AFTER-FAILURE item five")
                .containsPattern("squares.*40/40");
        assertThat(lines.stream().filter(l -> l.startsWith("squares ")).count()).as("one finished squares bar: " + screen).isEqualTo(1);
        int after = lines.indexOf(lines.stream().filter(l -> l.startsWith("AFTER-FAILURE")).findFirst().orElseThrow());
        assertThat(lines.subList(0, after)).as("the failing bar was closed before the exception: " + screen)
                .anySatisfy(l -> assertThat(l).contains("failing").containsPattern("\\d+/40"));
        assertThat(lines.subList(after, lines.size())).as("and never redrew after it: " + screen)
                .noneSatisfy(l -> assertThat(l).contains("failing"));
        String summary = lines.stream().filter(l -> l.startsWith("first=")).findFirst().orElseThrow();
        assertThat(summary).as("the first event has the total; events per item, not per chunk of 20").startsWith("first=0/40");
        int steps = Integer.parseInt(summary.substring(summary.indexOf("steps=") + 6).trim());
        assertThat(steps).as(summary).isGreaterThan(5);
    }
}
