package dev.widescan.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard in a real headless Chromium, against a sweep run by the real backend. */
@QuarkusTest
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String SPEC =
      """
      name: browser-sweep
      dataset: {name: fashion-mnist, train: 200, test: 100}
      model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
      kernel: {diag_reg: [0.0001, 0.01], t: [inf]}
      finite: {width: [16, 64], lr: 10.0, epochs: 2, batch_size: 50, seeds: 2}
      """;

  @TestHTTPResource("/")
  URL root;

  private WebDriver browser;

  @BeforeEach
  void startBrowser() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (System.getenv("CI") != null) {
      assertTrue(installed, "CI must install chromium and chromium-driver (see .ci/run)");
    }
    Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void showsTheSweepInTheListAndItsAccuracyChartWithKernelLimits() {
    long id = Sweeps.submit(SPEC);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(180));

    browser.get(root + "index.html");
    wait.until(
        b ->
            b.findElements(By.cssSelector("[data-testid=sweep-row][data-sweep-id='" + id + "']"))
                    .size()
                == 1);
    WebElement row =
        browser.findElement(By.cssSelector("[data-testid=sweep-row][data-sweep-id='" + id + "']"));
    assertTrue(row.getText().contains("browser-sweep"), row.getText());

    browser.get(root + "sweep.html?id=" + id);
    wait.until(
        b ->
            "done"
                .equals(
                    b.findElement(By.cssSelector("[data-testid=sweep-status]"))
                        .getAttribute("data-status")));
    WebElement chart = browser.findElement(By.id("accuracy-vs-width"));
    wait.until(
        b ->
            !"0".equals(chart.getAttribute("data-series-count"))
                && chart.getAttribute("data-series-count") != null);
    // One depth: finite mean line, its min-max error bars (2 seeds), the NNGP line and the NTK
    // line.
    assertEquals("4", chart.getAttribute("data-series-count"));
    assertTrue(
        browser.findElement(By.id("download-arrow")).getAttribute("href").endsWith("format=arrow"));
    assertTrue(
        !browser.findElement(By.cssSelector("[data-testid=cancel-sweep]")).isDisplayed(),
        "nothing left to cancel");
    // The training curve of the first finite network: losses and accuracies against the step.
    WebElement curve = browser.findElement(By.cssSelector("[data-testid=training-curve]"));
    wait.until(b -> curve.getAttribute("data-series-count") != null);
    assertEquals("4", curve.getAttribute("data-series-count"));
    List<WebElement> canvases = chart.findElements(By.tagName("canvas"));
    assertTrue(
        !canvases.isEmpty() && canvases.get(0).getSize().getWidth() > 300,
        "the chart is drawn on a canvas");
  }

  @Test
  void drawsTheStandardParameterizationNtkAsACurveOverWidth() {
    long id =
        Sweeps.submit(
            """
            name: browser-parameterizations
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: erf, depth: 1, W_std: 1.5, b_std: 0.1}
            kernel: {diag_reg: [0.001], t: [inf]}
            finite: {width: [16, 64, 256], parameterization: [ntk, standard], lr: 0.5, epochs: 1,
                     batch_size: 50, seeds: 1}
            """);
    Sweeps.awaitFinished(id);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    browser.get(root + "sweep.html?id=" + id);
    WebElement chart = browser.findElement(By.id("accuracy-vs-width"));
    // NTK parameterization first: finite line, NNGP and NTK as horizontal limits.
    wait.until(b -> "3".equals(chart.getAttribute("data-series-count")));
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("filter-parameterization")))
        .selectByValue("standard");
    // Standard: finite line, the NNGP limit, and the NTK as a curve over the three widths.
    wait.until(b -> "3".equals(chart.getAttribute("data-series-count")));
    Object names =
        ((org.openqa.selenium.JavascriptExecutor) browser)
            .executeScript(
                "return echarts.getInstanceByDom(arguments[0]).getOption().series.map(s => s.name + ':' + s.data.length)",
                chart);
    assertEquals(List.of("finite d=1:3", "NTK (standard) d=1:3", "NNGP d=1:2"), names);
  }
}
