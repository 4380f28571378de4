package dev.widescan.orchestrator.db;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.orchestrator.cli.WidescanCli;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The database keeps what it was given, with the service's durable settings: a backup restored
 * after a wipe serves the same sweeps, results and artifacts and its units are reused; a {@code
 * kill -9} of the postmaster itself in the middle of a sweep loses no finished unit.
 */
@QuarkusTest
@TestProfile(DurableDatabaseTest.Durable.class)
class DurableDatabaseTest {
  static final Path ARTIFACTS = Path.of("target/test-artifacts-durable").toAbsolutePath();

  /** The service's durable settings; a short lease so units of a killed job come back soon. */
  public static class Durable implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "widescan.db.embedded.durable", "true",
          "widescan.units.lease-seconds", "6",
          "widescan.artifact-dir", ARTIFACTS.toString());
    }
  }

  private static final String SMALL =
      """
      name: backup-restore
      dataset: {name: fashion-mnist, train: 100, test: 50}
      model: {family: fc, activation: relu, depth: 1, W_std: 1.5, b_std: 0.1}
      kernel: {kinds: [nngp, ntk], diag_reg: [0.001], t: [inf]}
      finite: {width: [32], parameterization: [ntk], lr: [1.0], weight_decay: [0.0],
               epochs: 2, batch_size: 50, seeds: 2}
      """;

  @Inject AgroalDataSource db;

  @Test
  void backupWipeRestoreServesTheSameResultsAndTheRestoredUnitsAreReused() throws Exception {
    long id = submit(SMALL);
    assertEquals("done", awaitFinished(id).getString("status"));
    String results = results(id);
    Map<Long, String> units = units(id);
    Map<String, String> artifacts = artifacts();
    assertEquals(3, units.size());
    assertTrue(!artifacts.isEmpty(), "the sweep wrote prediction artifacts");

    Path file = Files.createTempDirectory("widescan-backup").resolve("widescan.zip");
    assertEquals(0, cli("admin", "backup", file.toString()), lastCliOutput);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    wipe();
    given().get("/api/sweeps/" + id).then().statusCode(404);

    assertEquals(0, cli("admin", "restore", file.toString()), lastCliOutput);
    JsonPath restored = awaitFinished(id);
    assertEquals("done", restored.getString("status"));
    assertEquals(results, results(id));
    assertEquals(units, units(id));
    assertEquals(artifacts, artifacts());

    // The same spec again: every unit is one of the restored ones, and none is computed again.
    long unitsBefore = count("SELECT count(*) FROM work_unit");
    long again = submit(SMALL);
    assertNotEquals(id, again);
    assertEquals("done", awaitFinished(again).getString("status"));
    assertEquals(units, units(again));
    assertEquals(unitsBefore, count("SELECT count(*) FROM work_unit"));
  }

  @Test
  void aKillDashNineOfThePostmasterMidSweepLosesNoFinishedUnit() throws Exception {
    long id =
        submit(
            """
            name: postmaster-killed
            dataset: {name: fashion-mnist, train: 300, test: 100}
            model: {family: fc, activation: erf, depth: [1, 2, 3], W_std: 1.3, b_std: 0.05}
            kernel: {kinds: [nngp, ntk], diag_reg: [0.001], t: [inf]}
            finite: {width: [64, 128], parameterization: [ntk], lr: [1.0], weight_decay: [0.0],
                     epochs: 6, batch_size: 50, seeds: 2}
            """);
    long deadline = System.nanoTime() + 300_000_000_000L;
    Map<Long, String> finishedBeforeKill;
    while (true) {
      finishedBeforeKill = units(id);
      if (finishedBeforeKill.size() >= 2 || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(100);
    }
    assertTrue(finishedBeforeKill.size() >= 2, "units finished before the kill");

    EmbeddedDatabase before = EmbeddedPostgresServer.current().orElseThrow();
    int restarts = EmbeddedPostgresServer.restarts();
    ProcessHandle postmaster = ProcessHandle.of(before.postmasterPid()).orElseThrow();
    assertTrue(postmaster.destroyForcibly(), "SIGKILL sent to the postmaster");
    postmaster.onExit().get();

    JsonPath sweep = awaitFinished(id);
    assertEquals("done", sweep.getString("status"), sweep.prettify());
    assertEquals(restarts + 1, EmbeddedPostgresServer.restarts());
    EmbeddedDatabase after = EmbeddedPostgresServer.current().orElseThrow();
    assertNotEquals(before.postmasterPid(), after.postmasterPid());
    assertEquals(before.port(), after.port());

    Map<Long, String> finishedAfter = units(id);
    for (var unit : finishedBeforeKill.entrySet()) {
      assertEquals(
          unit.getValue(),
          finishedAfter.get(unit.getKey()),
          "unit " + unit.getKey() + " finished before the kill is still done, computed once");
    }
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW fsync")) {
      rs.next();
      assertEquals("on", rs.getString(1));
    }
  }

  private String lastCliOutput = "";

  private int cli(String... args) {
    StringWriter out = new StringWriter();
    List<String> all = new ArrayList<>(List.of("--server", "http://localhost:" + RestAssured.port));
    all.addAll(List.of(args));
    int rc =
        WidescanCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(out));
    lastCliOutput = out.toString();
    return rc;
  }

  private static long submit(String spec) {
    return given()
        .contentType("application/yaml")
        .body(spec.getBytes(StandardCharsets.UTF_8))
        .post("/api/sweeps")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  /**
   * Like {@code Sweeps.awaitFinished}, but a request that fails while Postgres restarts is retried.
   */
  private static JsonPath awaitFinished(long id) throws InterruptedException {
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        var response = given().get("/api/sweeps/" + id);
        if (response.statusCode() == 200) {
          JsonPath json = response.jsonPath();
          if (!List.of("pending", "running").contains(json.getString("status"))) {
            return json;
          }
        }
      } catch (RuntimeException e) {
        // the service is between two database servers
      }
      Thread.sleep(200);
    }
    throw new AssertionError("sweep " + id + " did not settle in 300 s");
  }

  private static String results(long id) {
    return given()
        .get("/api/sweeps/" + id + "/results")
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  /** The sweep's finished units: id → content hash, finish time, attempts and result rows. */
  private Map<Long, String> units(long sweep) throws SQLException {
    Map<Long, String> out = new TreeMap<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT u.id, u.content_hash || ' ' || u.finished_at || ' ' || u.attempts || ' '"
                    + " || (SELECT count(*) FROM result r WHERE r.unit_id = u.id)"
                    + " FROM work_unit u JOIN sweep_unit su ON su.unit_id = u.id"
                    + " WHERE su.sweep_id = ? AND u.status = 'done'")) {
      ps.setLong(1, sweep);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  private static Map<String, String> artifacts() throws Exception {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(ARTIFACTS)) {
      return out;
    }
    try (var files = Files.walk(ARTIFACTS)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(
            ARTIFACTS.relativize(f).toString(),
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    }
    return out;
  }

  /** Empties every table and the artifact store, as a lost disk would. */
  private void wipe() throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                  + " AND tablename <> 'flyway_schema_history'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      s.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
    }
    try (var files = Files.walk(ARTIFACTS)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.delete(f);
      }
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
