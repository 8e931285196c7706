package dev.codeact.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver ({@code apt-get install chromium chromium-driver};
 * {@code scripts/bootstrap.sh --test} installs both). Both binaries are given to Selenium by path, so Selenium
 * Manager never runs (it would try to download a driver), and Chromium is started with everything that phones home
 * switched off: the machines this runs on reach nothing beyond loopback. Without the binaries the tests are skipped,
 * except under {@code CI=true}, where they fail. Selenium warns that it has no CDP implementation for Debian's
 * Chromium version: harmless, these tests use WebDriver commands only.
 */
final class Chromium implements AutoCloseable {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** The page on a laptop screen: what the playground is designed for, and the size of the screenshots. */
    static final int WIDTH = 1440;
    static final int HEIGHT = 900;

    final WebDriver driver;
    private final Path profile;

    private Chromium(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts a browser, or skips the calling test (fails it under CI=true) when Chromium is not installed. */
    static Chromium start() {
        for (Path binary : List.of(BROWSER, DRIVER)) {
            if (!Files.isExecutable(binary)) {
                String reason = binary + " is missing: apt-get install chromium chromium-driver (scripts/bootstrap.sh --test)";
                if ("true".equals(System.getenv("CI"))) {
                    throw new IllegalStateException(reason + " (CI=true: the browser tests must run)");
                }
                Assumptions.abort(reason);
            }
        }
        try {
            Path profile = Files.createTempDirectory("playground-chromium-");
            ChromeOptions options = new ChromeOptions()
                    .setBinary(BROWSER.toFile())
                    .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--no-first-run", "--user-data-dir=" + profile, "--window-size=" + WIDTH + "," + HEIGHT,
                            "--lang=en-GB");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            // --window-size sizes the window, and headless Chromium still takes its bars off that: make the page WIDTH x HEIGHT
            long bars = (Long) driver.executeScript("return window.outerHeight - window.innerHeight");
            driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT + (int) bars));
            return new Chromium(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (up to 30 s, polling) until an element matching {@code css} is visible, and returns it. */
    WebElement await(String css) {
        return new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Waits (up to 30 s, polling) until the element matching {@code css} contains {@code text}. */
    void awaitText(String css, String text) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> text(d.findElement(By.cssSelector(css))).contains(text));
    }

    /** Waits (up to 30 s, polling) until no element matches {@code css}. */
    void awaitGone(String css) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector(css)).isEmpty());
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The text of an element as the DOM has it (getText() would fold whitespace and skip collapsed parts). */
    static String text(WebElement element) {
        return element.getDomProperty("textContent");
    }

    void screenshot(Path png) throws IOException {
        Files.createDirectories(png.getParent());
        Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
