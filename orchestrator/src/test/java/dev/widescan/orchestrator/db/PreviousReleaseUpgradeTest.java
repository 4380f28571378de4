package dev.widescan.orchestrator.db;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The service started on a data directory of the first release — trust authentication, no password
 * file, the V1 schema with a finished sweep in it — upgrades it in place: a password is set and
 * required, Flyway migrates V1 to the newest version, and the sweep and its results read back the
 * same.
 */
@QuarkusTest
@WithTestResource(PreviousReleaseDatabase.class)
class PreviousReleaseUpgradeTest {
  @Inject AgroalDataSource db;

  @Test
  void theSchemaIsMigratedFromV1ToTheNewestVersionKeepingEveryRow() throws SQLException {
    List<String> versions = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
      while (rs.next()) {
        versions.add(rs.getString(1));
      }
    }
    assertEquals("1", versions.get(0));
    assertEquals(newestMigration(), versions.get(versions.size() - 1));
    assertEquals(
        List.of(4L, 2L, 1L, 2L),
        List.of(
            count("SELECT count(*) FROM result"),
            count("SELECT count(*) FROM work_unit WHERE status = 'done'"),
            count("SELECT count(*) FROM sweep"),
            count("SELECT count(*) FROM sweep_unit")));
    for (Object[] row : PreviousReleaseDatabase.ROWS) {
      assertEquals(
          1L,
          count(
              "SELECT count(*) FROM result WHERE model = '"
                  + row[0]
                  + "' AND test_accuracy = "
                  + row[3]
                  + " AND test_mse = "
                  + row[4]
                  + (row[1] == null ? " AND diag_reg IS NULL" : " AND diag_reg = " + row[1])),
          Arrays.toString(row));
    }
    // V8 moved each unit's artifact onto the unit.
    assertEquals(
        2L,
        count(
            "SELECT count(*) FROM work_unit WHERE artifact = 'unit-' || id || '-predictions.arrow'"));
  }

  @Test
  void theOldSweepAndItsResultsReadBackThroughTheApi() throws Exception {
    JsonPath sweep = given().get("/api/sweeps/1").then().statusCode(200).extract().jsonPath();
    assertEquals("from-v1", sweep.getString("name"));
    assertEquals("done", sweep.getString("status"));
    assertEquals(2, sweep.getInt("units.done"));

    List<Map<String, Object>> rows =
        given()
            .get("/api/sweeps/1/results")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("");
    Set<String> expected = new TreeSet<>();
    for (Object[] row : PreviousReleaseDatabase.ROWS) {
      expected.add(describe(row[0], row[1], row[2], row[3], row[4]));
    }
    Set<String> actual = new TreeSet<>();
    for (Map<String, Object> r : rows) {
      actual.add(
          describe(
              r.get("model"),
              r.get("diag_reg"),
              r.get("width"),
              r.get("test_accuracy"),
              r.get("test_mse")));
    }
    assertEquals(PreviousReleaseDatabase.ROWS.length, rows.size());
    assertEquals(expected, actual);
  }

  /**
   * Numbers at float precision: the JSON API answers these doubles as float-rounded values (0.0931
   * comes back as 0.09309999644756317); the exact values are checked in the database.
   */
  private static String describe(Object... values) {
    return Arrays.stream(values)
        .map(v -> v instanceof Number n ? String.valueOf(n.floatValue()) : String.valueOf(v))
        .collect(Collectors.joining(" "));
  }

  @Test
  void theTrustDirectoryNowRequiresAPasswordKeptOwnerOnly() throws Exception {
    var file = PreviousReleaseDatabase.DIR.resolve(EmbeddedDatabase.PASSWORD_FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String hba =
        Files.readString(
            PreviousReleaseDatabase.DIR.resolve("pg_hba.conf"), StandardCharsets.UTF_8);
    assertFalse(hba.contains("trust"), hba);

    String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
    Properties none = new Properties();
    none.setProperty("user", "postgres");
    assertThrows(SQLException.class, () -> DriverManager.getConnection(url, none).close());
    SQLException wrong =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(url, "postgres", "x").close());
    assertEquals("28P01", wrong.getSQLState());
    try (Connection c =
        DriverManager.getConnection(
            url, "postgres", Files.readString(file, StandardCharsets.UTF_8))) {
      assertTrue(c.isValid(5));
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

  /** The highest V<n> in migrations/ (packaged as db/migration). */
  private static String newestMigration() {
    try (var files = Files.list(java.nio.file.Path.of("../migrations"))) {
      return String.valueOf(
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.matches("V\\d+__.*\\.sql"))
              .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
              .max()
              .orElseThrow());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
