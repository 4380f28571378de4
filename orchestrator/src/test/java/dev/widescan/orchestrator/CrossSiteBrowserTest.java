package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A page of another origin, in a real Chromium, tries what a malicious site could: submit and
 * cancel sweeps with {@code fetch(..., {mode: 'no-cors'})}, which needs no CORS permission. The
 * browser sends both; the service refuses both. The same cancel from the service's own page works.
 */
@QuarkusTest
class CrossSiteBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String SPEC =
      """
      name: cross-site
      dataset: {name: "teacher:classes=3,d=8,hidden=16,seed=5", train: 40, test: 20}
      model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
      kernel: {diag_reg: [0.01], t: [inf]}
      """;

  @TestHTTPResource("/")
  URL root;

  private WebDriver browser;
  private HttpServer otherSite;

  @BeforeEach
  void start() throws Exception {
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
        "--disable-sync");
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(),
            options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));

    otherSite = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    otherSite.createContext(
        "/",
        exchange -> {
          byte[] page =
              "<!doctype html><title>another site</title><p>nothing to see"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html");
          exchange.sendResponseHeaders(200, page.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(page);
          }
        });
    otherSite.start();
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (otherSite != null) {
      otherSite.stop(0);
    }
  }

  @Test
  void aPageOfAnotherOriginCanNeitherSubmitNorCancelSweeps() {
    long id = Sweeps.submit(SPEC);
    int sweepsBefore = given().get("/api/sweeps").jsonPath().getList("$").size();
    // The same address as the service, another port: same site, another origin.
    String service = "http://127.0.0.1:" + root.getPort();
    browser.get("http://127.0.0.1:" + otherSite.getAddress().getPort() + "/");

    Object settled =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                """
                const [service, spec, id, done] = arguments;
                Promise.allSettled([
                  fetch(service + '/api/sweeps', {method: 'POST', mode: 'no-cors', body: spec}),
                  fetch(service + '/api/sweeps/' + id + '/cancel', {method: 'POST', mode: 'no-cors'}),
                ]).then(results => done(results.map(r => r.status)));
                """,
                service,
                SPEC,
                id);
    assertEquals(
        List.of("fulfilled", "fulfilled"), settled, "the browser sent both and got an answer");
    assertEquals(
        sweepsBefore,
        given().get("/api/sweeps").jsonPath().getList("$").size(),
        "no sweep was created");
    assertNotEquals(
        "cancelled",
        given().get("/api/sweeps/" + id).jsonPath().getString("status"),
        "the sweep was not cancelled");

    // The control: the service's own page sends the same cancel, and it is honoured.
    browser.get(service + "/index.html");
    Object status =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                """
                const [service, id, done] = arguments;
                fetch(service + '/api/sweeps/' + id + '/cancel', {method: 'POST'})
                  .then(r => done(r.status), e => done(String(e)));
                """,
                service,
                id);
    assertEquals(200L, status);
    assertEquals("cancelled", given().get("/api/sweeps/" + id).jsonPath().getString("status"));
  }
}
