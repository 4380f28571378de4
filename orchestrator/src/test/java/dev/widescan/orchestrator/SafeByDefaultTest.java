package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.orchestrator.flink.FlinkRunner;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, "safe by default", against the running service: it listens on loopback only, and so
 * does its embedded Flink, whose REST API answers nothing; forged Host headers, cross-origin state
 * changes and text/plain specs are refused; answers name no server path and no Java class.
 */
@QuarkusTest
class SafeByDefaultTest {
  /** An absolute path as JSON would carry it: a quote or a space, then /dir/... */
  private static final Pattern ABSOLUTE_PATH = Pattern.compile("[\"\\s,(]/[\\w.-]+/");

  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b(java|javax|jakarta|org|com|io|dev)\\.[a-z]+\\.|[A-Z]\\w*Exception");

  @TestHTTPResource("/")
  URL root;

  @Inject FlinkRunner flink;

  @Test
  void listensOnLoopbackOnly() throws Exception {
    List<InetSocketAddress> listening = listeningSocketsOfThisJvm();
    System.out.println("this JVM listens on " + listening);
    assertTrue(
        listening.stream().anyMatch(a -> a.getPort() == root.getPort()),
        "the HTTP port " + root.getPort() + " is among " + listening);
    for (InetSocketAddress a : listening) {
      assertTrue(a.getAddress().isLoopbackAddress(), "listens beyond loopback: " + a);
    }
    Optional<InetAddress> external = nonLoopbackAddress();
    if (external.isPresent()) {
      try (Socket s = new Socket()) {
        assertThrows(
            ConnectException.class,
            () -> s.connect(new InetSocketAddress(external.get(), root.getPort()), 2000),
            "the service must not answer on " + external.get());
      }
    }
  }

  @Test
  void embeddedFlinkListensOnLoopbackAndItsRestApiAnswersNothing() throws Exception {
    URI rest = flink.embeddedRestAddress().orElseThrow();
    assertTrue(InetAddress.getByName(rest.getHost()).isLoopbackAddress(), rest.toString());
    assertTrue(
        listeningSocketsOfThisJvm().stream().anyMatch(a -> a.getPort() == rest.getPort()),
        "the REST endpoint is one of the JVM's sockets, all checked to be loopback above");
    // What a local process could otherwise do without credentials: list and cancel the job, shut
    // the cluster down.
    assertEquals(404, raw(rest.getPort(), "GET", "/jobs/overview", "127.0.0.1", null).status());
    assertEquals(
        404, raw(rest.getPort(), "PATCH", "/jobs/" + "0".repeat(32), "127.0.0.1", null).status());
    assertEquals(404, raw(rest.getPort(), "DELETE", "/cluster", "127.0.0.1", null).status());
    assertEquals("RUNNING", flink.jobStatus().orElseThrow().name(), "the job itself runs on");
  }

  @Test
  void refusesAForgedHostHeader() throws Exception {
    Reply forged =
        raw(root.getPort(), "GET", "/api/sweeps", "rebound.example:" + root.getPort(), null);
    assertEquals(403, forged.status());
    assertTrue(forged.body().contains("Host 'rebound.example:"), forged.body());
    assertEquals(403, raw(root.getPort(), "GET", "/index.html", "rebound.example", null).status());
    assertEquals(
        200,
        raw(root.getPort(), "GET", "/api/sweeps", "localhost:" + root.getPort(), null).status());
    assertEquals(
        200,
        raw(root.getPort(), "GET", "/api/sweeps", "127.0.0.1:" + root.getPort(), null).status());
  }

  @Test
  void refusesAStateChangeFromAnotherOriginButNotFromCurl() throws Exception {
    int before = given().get("/api/sweeps").jsonPath().getList("$").size();
    String host = "127.0.0.1:" + root.getPort();
    Reply crossOrigin =
        raw(root.getPort(), "POST", "/api/sweeps/1/cancel", host, "Origin: http://127.0.0.1:1\r\n");
    assertEquals(403, crossOrigin.status());
    assertTrue(
        crossOrigin.body().contains("cross-origin request refused: POST /api/sweeps/1/cancel"),
        crossOrigin.body());
    Reply crossSite =
        raw(root.getPort(), "POST", "/api/sweeps", host, "Sec-Fetch-Site: cross-site\r\n");
    assertEquals(403, crossSite.status());
    assertEquals(before, given().get("/api/sweeps").jsonPath().getList("$").size());
    assertEquals(
        404,
        raw(root.getPort(), "POST", "/api/sweeps/424242/cancel", host, null).status(),
        "no Origin: on to the API");
  }

  @Test
  void refusesATextPlainSpecWith415() {
    int before = given().get("/api/sweeps").jsonPath().getList("$").size();
    String error =
        given()
            .contentType("text/plain")
            .body("name: x\ndataset: {name: fashion-mnist, train: 10, test: 10}\n")
            .post("/api/sweeps")
            .then()
            .statusCode(415)
            .extract()
            .jsonPath()
            .getString("error");
    assertTrue(error.contains("'text/plain"), error);
    assertTrue(error.contains("application/yaml") && error.contains("application/json"), error);
    assertEquals(before, given().get("/api/sweeps").jsonPath().getList("$").size());
  }

  @Test
  void datasetErrorsAndTheDatasetListNameNoServerPath() {
    for (String dataset : List.of("no-such-dataset", "fashion-mnist")) {
      String body =
          given()
              .contentType("application/yaml")
              .body(
                  ("name: leak\ndataset: {name: "
                          + dataset
                          + ", train: 70000, test: 10}\n"
                          + "model: {activation: relu, depth: 1, W_std: 1.5, b_std: 0.1}\n"
                          + "kernel: {diag_reg: [0.001]}\n")
                      .getBytes(StandardCharsets.UTF_8))
              .post("/api/sweeps")
              .then()
              .statusCode(400)
              .extract()
              .asString();
      assertTrue(body.contains(dataset), body);
      assertNoServerDetails(body);
    }
    String listing = given().get("/api/datasets").then().statusCode(200).extract().asString();
    assertTrue(listing.contains("fashion-mnist"), listing);
    assertFalse(listing.contains("searchPath"), listing);
    assertNoServerDetails(listing);
  }

  @Test
  void resultsNameTheirArtifactByFileNameOnly() {
    long id =
        Sweeps.submit(
            """
            name: artifact-names
            dataset: {name: "teacher:classes=3,d=8,hidden=16,seed=3", train: 40, test: 20}
            model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
            kernel: {diag_reg: [0.01], t: [inf]}
            """);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    JsonPath rows = given().get("/api/sweeps/" + id + "/results").jsonPath();
    List<String> artifacts = rows.getList("artifact");
    assertFalse(artifacts.isEmpty());
    for (String artifact : artifacts) {
      assertTrue(artifact.matches("unit-\\d+-[\\w-]+\\.arrow"), artifact);
    }
    assertNoServerDetails(given().get("/api/sweeps/" + id + "/results?format=csv").asString());
  }

  @Test
  void errorBodiesCarryNoJavaClassNames() {
    List<String> bodies = new ArrayList<>();
    bodies.add(given().get("/api/sweeps/424242").then().statusCode(404).extract().asString());
    bodies.add(given().get("/api/sweeps/not-a-number").then().extract().asString());
    bodies.add(given().get("/api/sweeps/1/results?format=xml").then().extract().asString());
    bodies.add(
        given()
            .contentType("application/json")
            .body("{\"name\": [}")
            .post("/api/sweeps")
            .then()
            .statusCode(400)
            .extract()
            .asString());
    bodies.add(given().delete("/api/sweeps/1").then().extract().asString());
    for (String body : bodies) {
      assertNoServerDetails(body);
    }
  }

  private static void assertNoServerDetails(String body) {
    assertFalse(ABSOLUTE_PATH.matcher(body).find(), "an absolute path in " + body);
    assertFalse(body.contains(System.getProperty("user.home") + "/"), body);
    assertFalse(body.contains(System.getProperty("user.dir")), body);
    assertFalse(CLASS_NAME.matcher(body).find(), "a Java class name in " + body);
  }

  record Reply(int status, String body) {}

  /** One HTTP/1.1 request written by hand, so that Host and Origin are exactly as given. */
  static Reply raw(int port, String method, String path, String host, String extraHeaders)
      throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      String request =
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + "\r\n"
              + (extraHeaders == null ? "" : extraHeaders)
              + "Content-Length: 0\r\nConnection: close\r\n\r\n";
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      int bodyStart = response.indexOf("\r\n\r\n");
      return new Reply(status, bodyStart < 0 ? "" : response.substring(bodyStart + 4));
    }
  }

  /** The TCP sockets this JVM listens on, from /proc/net/tcp{,6} and /proc/self/fd. */
  static List<InetSocketAddress> listeningSocketsOfThisJvm() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    List<InetSocketAddress> listening = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          String[] local = f[1].split(":");
          listening.add(
              new InetSocketAddress(
                  InetAddress.getByAddress(littleEndianWords(local[0])),
                  Integer.parseInt(local[1], 16)));
        }
      }
    }
    return listening;
  }

  /** /proc/net/tcp writes an address as 32-bit words in host (little-endian) order. */
  private static byte[] littleEndianWords(String hex) {
    byte[] b = new byte[hex.length() / 2];
    for (int word = 0; word < b.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = word * 8 + (3 - i) * 2;
        b[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return b;
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }
}
