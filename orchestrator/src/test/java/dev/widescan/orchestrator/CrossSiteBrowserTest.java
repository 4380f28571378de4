package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * A page of another origin, in a real Chromium, tries what a malicious site could: submit and
 * cancel sweeps with {@code fetch(..., {mode: 'no-cors'})}, which needs no CORS permission. The
 * browser sends both; the service refuses both. The same cancel from the service's own page works.
 */
@QuarkusTest
class CrossSiteBrowserTest {

  private static final String SPEC =
      """
      name: cross-site
      dataset: {name: "teacher:classes=3,d=8,hidden=16,seed=5", train: 40, test: 20}
      model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
      kernel: {diag_reg: [0.01], t: [inf]}
      """;

  /**
   * Networks that train for several seconds, so the sweep is still running when it is cancelled.
   */
  private static final String LONG =
      """
      name: cross-site-long
      dataset: {name: fashion-mnist, train: 1000, test: 100}
      model: {activation: relu, depth: 2, W_std: 1.4142135623730951, b_std: 0.1}
      finite: {width: 256, lr: 0.5, epochs: 20, batch_size: 50, seeds: 40}
      """;

  @TestHTTPResource("/")
  URL root;

  private WebDriver browser;
  private HttpServer otherSite;

  @BeforeEach
  void start() throws Exception {
    browser = Browsers.headlessChromium();
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
    long id = Sweeps.submit(LONG);
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

    // The control: the service's own page sends the same cancel, and it is honoured (the sweep's
    // networks are still training: a sweep whose units all finished can't be cancelled).
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
