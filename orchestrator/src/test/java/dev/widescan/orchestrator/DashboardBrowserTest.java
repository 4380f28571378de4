package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard in a real headless Chromium, against a sweep run by the real backend. */
@QuarkusTest
class DashboardBrowserTest {
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
    browser = Browsers.headlessChromium();
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
  void drawsOneActivationAtATimeNeverTheirAverage() throws Exception {
    long id =
        Sweeps.submit(
            """
            name: browser-activations
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: [relu, erf], depth: 1, W_std: 1.5, b_std: 0.1}
            finite: {width: [16, 64], lr: 0.5, epochs: 1, batch_size: 50, seeds: 1}
            """);
    Sweeps.awaitFinished(id);
    JsonNode rows =
        new ObjectMapper()
            .readTree(given().get("/api/sweeps/" + id + "/results").then().extract().asString());
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    browser.get(root + "sweep.html?id=" + id);
    WebElement chart = browser.findElement(By.id("accuracy-vs-width"));
    wait.until(b -> "1".equals(chart.getAttribute("data-series-count")));
    for (String activation : List.of("erf", "relu")) {
      new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("filter-activation")))
          .selectByValue(activation);
      List<Double> expected =
          StreamSupport.stream(rows.spliterator(), false)
              .filter(r -> r.get("activation").asText().equals(activation))
              .sorted(Comparator.comparingInt(r -> r.get("width").asInt()))
              .map(r -> r.get("test_accuracy").asDouble())
              .toList();
      assertEquals(2, expected.size());
      wait.until(
          b ->
              expected.equals(
                  ((JavascriptExecutor) b)
                      .executeScript(
                          "return echarts.getInstanceByDom(arguments[0]).getOption()"
                              + ".series[0].data.map(p => p[1])",
                          chart)));
    }
  }

  @Test
  void drawsThePredictionsOfFiniteWidthsEmpiricalKernelsOverWidth() throws Exception {
    long id =
        Sweeps.submit(
            """
            name: browser-empirical
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
            kernel: {kinds: [nngp, ntk], diag_reg: [0.001], t: [inf]}
            empirical: {width: [32, 256], samples: 4}
            """);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    JsonNode rows =
        new ObjectMapper()
            .readTree(given().get("/api/sweeps/" + id + "/results").then().extract().asString());
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    browser.get(root + "sweep.html?id=" + id);
    WebElement chart = browser.findElement(By.id("accuracy-vs-width"));
    // Empirical NNGP and NTK over the two widths, and the NNGP and NTK limits.
    wait.until(b -> "4".equals(chart.getAttribute("data-series-count")));
    for (String model : List.of("empirical_nngp", "empirical_ntk")) {
      String name = (model.endsWith("nngp") ? "empirical NNGP" : "empirical NTK") + " d=1";
      List<Double> expected =
          StreamSupport.stream(rows.spliterator(), false)
              .filter(r -> r.get("model").asText().equals(model))
              .sorted(Comparator.comparingInt(r -> r.get("width").asInt()))
              .map(r -> r.get("test_accuracy").asDouble())
              .toList();
      assertEquals(2, expected.size(), model + " rows: one per width");
      assertEquals(
          expected,
          ((JavascriptExecutor) browser)
              .executeScript(
                  "return echarts.getInstanceByDom(arguments[0]).getOption().series"
                      + ".find(s => s.name === arguments[1]).data.map(p => p[1])",
                  chart,
                  name));
    }
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

  @Test
  void drawsTheKernelPredictionsOverTrainingTimeOneLinePerDiagReg() throws Exception {
    long id =
        Sweeps.submit(
            """
            name: browser-kernel-time
            dataset: {name: fashion-mnist, train: 200, test: 100}
            model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
            kernel: {kinds: [nngp, ntk], diag_reg: [0.0001, 0.01], t: [1, 10, 100, inf]}
            """);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    List<JsonNode> rows = kernelRows(id);
    // What the database holds: one NTK line per diag_reg over the times, one NNGP line per
    // diag_reg.
    Set<Double> ntkDiagRegs = diagRegs(rows, "ntk");
    Set<Double> nngpDiagRegs = diagRegs(rows, "nngp");
    assertEquals(2, ntkDiagRegs.size());
    assertEquals(2, nngpDiagRegs.size());
    String expectedSeries = String.valueOf(ntkDiagRegs.size() + nngpDiagRegs.size());

    browser.get(root + "sweep.html?id=" + id);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    WebElement chart = browser.findElement(By.cssSelector("[data-testid=kernel-time]"));
    wait.until(b -> expectedSeries.equals(chart.getAttribute("data-series-count")));
    assertTrue(chart.isDisplayed());
    assertEquals("img", chart.getAttribute("role"));
    // Each NTK line has a point per t (t = ∞ included); each NNGP line spans the axis.
    Object names =
        ((JavascriptExecutor) browser)
            .executeScript(
                "return echarts.getInstanceByDom(arguments[0]).getOption().series.map(s => s.name + ':' + s.data.length)",
                chart);
    assertEquals(
        List.of(
            "NTK, diag_reg = 1e-4:4",
            "NTK, diag_reg = 0.01:4",
            "NNGP, diag_reg = 1e-4:2",
            "NNGP, diag_reg = 0.01:2"),
        names);
    // Width-free kernels alone give the accuracy-vs-width chart nothing to draw.
    assertFalse(browser.findElement(By.id("accuracy-vs-width")).isDisplayed());
    assertTrue(
        browser
            .findElement(By.id("chart-empty"))
            .getText()
            .startsWith("Nothing in this selection"));
    WebElement caption = browser.findElement(By.cssSelector("[data-testid=kernel-time-caption]"));
    assertNamesTheBest(chart.getAttribute("aria-label"), rows, "test accuracy", "test_accuracy");
    assertNamesTheBest(caption.getText(), rows, "test accuracy", "test_accuracy");
    assertFalse(
        browser.findElement(By.cssSelector("[data-testid=kernel-time-empty]")).isDisplayed());

    new Select(browser.findElement(By.cssSelector("[data-testid=kernel-time-metric]")))
        .selectByValue("mse");
    wait.until(b -> chart.getAttribute("aria-label").contains("test MSE"));
    assertEquals(expectedSeries, chart.getAttribute("data-series-count"));
    assertNamesTheBest(chart.getAttribute("aria-label"), rows, "test MSE", "test_mse");
  }

  @Test
  void saysThereAreNoKernelPredictionsForASweepWithoutKernels() throws Exception {
    long id =
        Sweeps.submit(
            """
            name: browser-no-kernels
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
            finite: {width: [16], lr: 1.0, epochs: 1, batch_size: 50, seeds: 1}
            """);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    assertTrue(kernelRows(id).isEmpty());

    browser.get(root + "sweep.html?id=" + id);
    WebElement empty = browser.findElement(By.cssSelector("[data-testid=kernel-time-empty]"));
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(b -> empty.getText().contains("no kernel section"));
    WebElement chart = browser.findElement(By.cssSelector("[data-testid=kernel-time]"));
    assertFalse(chart.isDisplayed());
    assertEquals("0", chart.getAttribute("data-series-count"));
    assertFalse(
        browser.findElement(By.cssSelector("[data-testid=kernel-time-caption]")).isDisplayed());
  }

  /** The sweep's NNGP and NTK result rows, as the API serves them. */
  @Test
  void offersConvolutionalArchitecturesOneAtATimeAndShowsTheirLayers() throws Exception {
    long id =
        Sweeps.submit(
            """
            name: browser-conv
            dataset: {name: fashion-mnist, train: 60, test: 30}
            model:
              layers: [[avg_pool(window=4), conv(filter=3), relu, flatten, dense],
                       [avg_pool(window=4), conv(filter=3), relu, global_avg_pool, dense]]
              W_std: 1.4142135623730951
              b_std: 0.1
            kernel: {kinds: [nngp], diag_reg: [0.001], t: [inf]}
            """);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    List<JsonNode> rows = kernelRows(id);
    assertEquals(2, rows.size());
    browser.get(root + "sweep.html?id=" + id);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
    WebElement chart = browser.findElement(By.cssSelector("[data-testid=kernel-time]"));
    Select layout = new Select(wait.until(b -> b.findElement(By.id("filter-layout"))));
    assertEquals(
        List.of(
            "avg_pool(window=4)>(conv(filter=3)>relu)×L>flatten>dense",
            "avg_pool(window=4)>(conv(filter=3)>relu)×L>global_avg_pool>dense"),
        layout.getOptions().stream().map(o -> o.getAttribute("value")).sorted().toList());
    for (JsonNode row : rows) {
      String architecture = row.get("architecture").asText();
      String readout = architecture.contains("global_avg_pool") ? "global_avg_pool" : "flatten";
      String value =
          layout.getOptions().stream()
              .map(o -> o.getAttribute("value"))
              .filter(v -> v.contains(readout))
              .findFirst()
              .orElseThrow();
      layout.selectByValue(value);
      double expected = row.get("test_accuracy").asDouble();
      wait.until(
          b ->
              List.of(expected)
                  .equals(
                      ((JavascriptExecutor) b)
                          .executeScript(
                              "return [...new Set(echarts.getInstanceByDom(arguments[0]).getOption()"
                                  + ".series.flatMap(s => s.data.map(p => p[1])))]",
                              chart)));
      // The results table spells each row's layers out.
      wait.until(
          b ->
              b.findElements(By.cssSelector("td.architecture")).stream()
                  .anyMatch(td -> td.getText().equals(architecture)));
    }
  }

  private static List<JsonNode> kernelRows(long id) throws Exception {
    String body =
        given().get("/api/sweeps/" + id + "/results").then().statusCode(200).extract().asString();
    return StreamSupport.stream(new ObjectMapper().readTree(body).spliterator(), false)
        .filter(r -> Set.of("nngp", "ntk").contains(r.get("model").asText()))
        .toList();
  }

  private static Set<Double> diagRegs(List<JsonNode> rows, String model) {
    return rows.stream()
        .filter(r -> r.get("model").asText().equals(model))
        .map(r -> r.get("diag_reg").asDouble())
        .collect(Collectors.toSet());
  }

  private static double time(JsonNode row) {
    JsonNode t = row.get("t");
    return t.isTextual() && t.asText().equals("inf") ? Double.POSITIVE_INFINITY : t.asDouble();
  }

  /**
   * The text names the best kernel point — the highest accuracy or the lowest MSE among the API's
   * rows — with its value, and a row with that value at the diag_reg and t it names.
   */
  private static void assertNamesTheBest(
      String text, List<JsonNode> rows, String metric, String column) {
    boolean highest = column.equals("test_accuracy");
    Matcher named =
        Pattern.compile(
                (highest ? "Highest " : "Lowest ")
                    + Pattern.quote(metric)
                    + ": (\\S+) \\((NTK|NNGP), diag_reg = (\\S+), t = ([^)]+)\\)")
            .matcher(text);
    assertTrue(named.find(), text);
    double best =
        highest
            ? rows.stream().mapToDouble(r -> r.get(column).asDouble()).max().orElseThrow()
            : rows.stream().mapToDouble(r -> r.get(column).asDouble()).min().orElseThrow();
    // The page shows four decimals.
    assertEquals(best, Double.parseDouble(named.group(1)), 5e-5, text);
    String model = named.group(2).toLowerCase();
    double diagReg = Double.parseDouble(named.group(3));
    double t =
        named.group(4).equals("∞") ? Double.POSITIVE_INFINITY : Double.parseDouble(named.group(4));
    assertTrue(
        rows.stream()
            .anyMatch(
                r ->
                    r.get("model").asText().equals(model)
                        && Math.abs(r.get("diag_reg").asDouble() - diagReg) <= 1e-3 * diagReg
                        && time(r) == t
                        && r.get(column).asDouble() == best),
        text + " names no row with " + column + " = " + best);
  }
}
