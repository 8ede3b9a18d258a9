package dev.loky.sample;

import dev.loky.ProcessExecutor;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.TakesScreenshot;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The live page in a real browser (Debian's {@code chromium} and {@code chromium-driver}, driven by
 * Selenium) against the sample with two real workers: it shows both workers, and after a crash
 * triggered through the sample it shows the crash counted and a new worker in place of the dead one.
 *
 * <p>Without a browser the test is skipped locally, but fails under CI ({@code CI=true}): {@code .ci/run}
 * installs the packages when it can, so a missing browser there is a broken machine, not a pass.
 * {@code -Dchrome.binary=...} and {@code -Dwebdriver.chrome.driver=...} choose other binaries.
 * The page's screenshot is written to {@code target/dashboard.png} (the README's image is a copy).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardBrowserTest {

    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    @LocalServerPort
    int port;

    @Autowired
    ProcessExecutor executor;

    private WebDriver driver;

    private static String browser;
    private static String chromedriver;

    /** Before the application starts (a missing browser costs no worker start-up). */
    @BeforeAll
    static void findBrowser() {
        browser = firstExisting(System.getProperty("chrome.binary"), BROWSERS);
        chromedriver = firstExisting(System.getProperty("webdriver.chrome.driver"), DRIVERS);
        if (browser == null || chromedriver == null) {
            String missing = "no browser for the dashboard test (need Debian's chromium and chromium-driver: "
                    + "apt-get install chromium chromium-driver; found browser=" + browser + ", driver=" + chromedriver + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
    }

    @BeforeEach
    void openBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1500,1100", "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void showsWorkersAndACrashAndItsReplacement() throws Exception {
        SampleHttp http = new SampleHttp(port);
        // loky.prestart is not applied in a test context (workers start on first use there): ask for both
        executor.prestart();
        driver.get("http://localhost:" + port + "/actuator/lokydashboard");
        assertThat(driver.getTitle()).isEqualTo("loky pool");

        await().atMost(Duration.ofSeconds(90)).until(() -> liveWorkerPids().size() == 2);
        Set<String> before = liveWorkerPids();
        long crashesBefore = Long.parseLong(text("crashes"));

        assertThat(http.post("/misbehave/exit?code=9").statusCode()).isEqualTo(502);

        await().atMost(Duration.ofSeconds(90)).until(() -> Long.parseLong(text("crashes")) == crashesBefore + 1);
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            Set<String> now = liveWorkerPids();
            return now.size() == 2 && !before.containsAll(now);
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(text("restarts")).contains("crash");
            assertThat(count("#failures details.failure[data-outcome='crash']")).isPositive();
        });

        // a running map with its progress bar, then the picture for the README
        CompletableFuture<Integer> zoom = CompletableFuture.supplyAsync(() -> http.getBytes("/zoom.png?frames=24&size=200").statusCode());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> count("#maps .map") > 0 || zoom.isDone());
        if (!zoom.isDone()) {
            String map = String.valueOf(((JavascriptExecutor) driver).executeScript(
                    "var m = document.querySelector('#maps .map'); return m ? m.textContent : 'done';"));
            assertThat(map).matches("(?s)(done|.*/ 24 items.*items/s.*)");
        }
        Path screenshot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(Path.of("target"));
        Files.copy(screenshot, Path.of("target", "dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(zoom.get()).isEqualTo(200);
    }

    /**
     * Pids of the rows in the workers table that are ready or busy. Read in one script: the page
     * redraws every second, so element handles kept across calls would go stale.
     */
    @SuppressWarnings("unchecked")
    private Set<String> liveWorkerPids() {
        List<String> rows = (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll('#workers tbody tr'))"
                        + ".filter(r => r.dataset.state === 'IDLE' || r.dataset.state === 'BUSY').map(r => r.dataset.pid);");
        return Set.copyOf(rows);
    }

    private String text(String id) {
        return String.valueOf(((JavascriptExecutor) driver).executeScript("return document.getElementById(arguments[0]).textContent;", id)).trim();
    }

    private long count(String selector) {
        return ((Number) ((JavascriptExecutor) driver).executeScript("return document.querySelectorAll(arguments[0]).length;", selector)).longValue();
    }

    /** The path asked for by its system property (and only that one), else the first candidate that exists. */
    private static String firstExisting(String preferred, List<String> candidates) {
        if (preferred != null) {
            return new File(preferred).canExecute() ? preferred : null;
        }
        return candidates.stream().filter(path -> new File(path).canExecute()).findFirst().orElse(null);
    }
}
