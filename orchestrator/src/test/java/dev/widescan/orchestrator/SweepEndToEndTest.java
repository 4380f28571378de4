package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arrow.KernelTileCodec;
import dev.widescan.workers.arrow.PredictionsCodec;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.unit.KernelTile;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole path on the embedded default: REST → Postgres → embedded Flink → CPU worker → Postgres,
 * asserted against the database's content.
 */
@QuarkusTest
class SweepEndToEndTest {
  private static final String SPEC =
      """
      name: e2e-small
      dataset: {name: fashion-mnist, train: 300, test: 200, preprocess: standardize}
      model: {family: fc, activation: relu, depth: [1, 2], W_std: 1.4142135623730951, b_std: 0.1}
      kernel: {kinds: [nngp, ntk], diag_reg: [0.0001, 0.01, 1.0], t: [100, inf]}
      finite: {width: [64, 256], parameterization: [ntk], lr: [10.0], weight_decay: [0.0],
               epochs: 20, batch_size: 50, seeds: 2, ensemble: true}
      """;

  @Inject AgroalDataSource db;

  @Test
  void runsASweepFromRestThroughFlinkIntoPostgres() throws Exception {
    long id = Sweeps.submit(SPEC);
    Sweeps.awaitFinished(id);

    given()
        .get("/api/sweeps/" + id)
        .then()
        .statusCode(200)
        .body("status", equalTo("done"))
        .body("units.done", equalTo(14))
        .body("units.total", equalTo(14))
        .body("units.failed", equalTo(0));

    assertEquals(
        List.of("done"),
        strings(
            "SELECT DISTINCT u.status FROM work_unit u JOIN sweep_unit su ON su.unit_id = u.id WHERE su.sweep_id = ?",
            id));
    // Per depth: 1 kernel unit, 2 widths x (2 seeds + 1 ensemble).
    assertEquals(14L, count("SELECT count(*) FROM sweep_unit WHERE sweep_id = ?", id));

    // Per depth: NNGP at 3 diag_reg, NTK at 3 diag_reg x 2 times, 2 widths x 2 seeds finite.
    assertEquals(2 * 3L, count(resultsWhere("r.model = 'nngp'"), id));
    assertEquals(2 * 6L, count(resultsWhere("r.model = 'ntk'"), id));
    assertEquals(2 * 4L, count(resultsWhere("r.model = 'finite'"), id));
    for (double diagReg : new double[] {1e-4, 1e-2, 1.0}) {
      for (String model : List.of("nngp", "ntk")) {
        long rows =
            count(
                resultsWhere(
                    "r.model = '"
                        + model
                        + "' AND r.diag_reg = "
                        + diagReg
                        + " AND r.t = 'Infinity'"),
                id);
        assertEquals(2L, rows, model + " results at diag_reg " + diagReg);
      }
    }
    // Chance is 0.1. Single finite nets carry their random f0, so they trail the kernels
    // (DESIGN.md).
    String weak =
        "r.test_accuracy > 1 OR r.test_mse <= 0 OR r.model IN ('finite', 'ensemble') AND r.test_accuracy <= 0.2"
            + " OR r.model IN ('nngp', 'ntk') AND r.test_accuracy <= 0.5";
    assertEquals(
        List.of(),
        strings(
            resultsWhere(weak)
                .replace(
                    "count(*)",
                    "r.model || ' d=' || r.depth || ' width=' || coalesce(r.width, 0) || ' t=' || coalesce(r.t, 0) || ' reg=' || coalesce(r.diag_reg, 0) || ' acc=' || r.test_accuracy"),
            id),
        "every model beats chance by a margin");
    assertEquals(
        0L,
        count(
            resultsWhere("r.model = 'nngp' AND r.diag_reg = 0.0001 AND r.test_accuracy < 0.65"),
            id),
        "kernels on 300 Fashion-MNIST images reach well above 0.65");
    assertEquals(
        0L,
        count(
            resultsWhere(
                "r.model = 'finite' AND (r.width IS NULL OR r.seed IS NULL OR r.diag_reg IS NOT NULL)"),
            id));
    assertEquals(
        0L,
        count(
            resultsWhere(
                "r.model IN ('nngp', 'ntk') AND (r.width IS NOT NULL OR r.diag_reg IS NULL)"),
            id));

    // An ensemble's MSE is at most its members' mean MSE (Jensen), here for every width and depth.
    assertEquals(4L, count(resultsWhere("r.model = 'ensemble' AND r.seed IS NULL"), id));
    assertEquals(
        0L,
        count(
            resultsWhere(
                "r.model = 'ensemble' AND r.test_mse > (SELECT avg(m.test_mse) FROM result m"
                    + " WHERE m.model = 'finite' AND m.depth = r.depth AND m.width = r.width"
                    + " AND m.unit_id IN (SELECT unit_id FROM sweep_unit WHERE sweep_id = su.sweep_id)) + 1e-12"),
            id));

    // The API shows exactly the database's rows; infinite t is written "inf".
    JsonPath results =
        given().get("/api/sweeps/" + id + "/results").then().statusCode(200).extract().jsonPath();
    assertEquals(30, results.getList("$").size());
    assertTrue(results.getList("t").contains("inf"));
    List<Map<String, Object>> finite =
        results.param("m", "finite").getList("findAll { it.model == m }");
    assertEquals(8, finite.size());
    String csv =
        given()
            .get("/api/sweeps/" + id + "/results?format=csv")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    String[] lines = csv.split("\r\n");
    assertEquals(31, lines.length);
    assertTrue(
        lines[0].startsWith(
            "unit_id,model,dataset,train_size,test_size,preprocess,subset,targets,dataset_identity,activation,depth"),
        lines[0]);

    // Predictions are stored as Arrow IPC files: one 200x10 block per predictor.
    String artifact =
        strings(resultsWhere("r.model = 'ntk'").replace("count(*)", "r.artifact") + " LIMIT 1", id)
            .get(0);
    Map<String, Matrix> predictions =
        PredictionsCodec.decode(Files.readAllBytes(Path.of(artifact)));
    assertEquals(9, predictions.size(), "3 NNGP + 6 NTK predictors in one kernel unit");
    Path probe = Files.createTempFile(Path.of(artifact).getParent(), "umask-", ".probe");
    Files.delete(probe);
    Files.createFile(probe);
    assertEquals(
        Files.getPosixFilePermissions(probe),
        Files.getPosixFilePermissions(Path.of(artifact)),
        "artifacts take the umask's permissions, so other users of a shared volume can read them");
    Files.delete(probe);
    Matrix first = predictions.values().iterator().next();
    assertEquals(200, first.rows());
    assertEquals(10, first.cols());
  }

  @Test
  void comparesNtkAndStandardParameterizationWithTheirOwnLimits() throws Exception {
    long id =
        Sweeps.submit(
            """
            name: parameterizations
            dataset: {name: fashion-mnist, train: 200, test: 100}
            model: {activation: erf, depth: 2, W_std: 1.5, b_std: 0.1}
            kernel: {diag_reg: [0.001], t: [inf]}
            finite: {width: [32, 512], parameterization: [ntk, standard], lr: 0.1, epochs: 2,
                     batch_size: 50, seeds: 1}
            """);
    Sweeps.awaitFinished(id);
    given().get("/api/sweeps/" + id).then().statusCode(200).body("status", equalTo("done"));
    // The NNGP does not depend on the parameterization: the same numbers for both.
    assertEquals(
        strings(
            resultsWhere("r.model = 'nngp' AND r.parameterization = 'ntk'")
                .replace("count(*)", "r.test_mse::text"),
            id),
        strings(
            resultsWhere("r.model = 'nngp' AND r.parameterization = 'standard' AND r.width = 512")
                .replace("count(*)", "r.test_mse::text"),
            id));
    // The standard-parameterization NTK differs with the width it is computed for.
    List<String> standardNtk =
        strings(
            resultsWhere("r.model = 'ntk' AND r.parameterization = 'standard'")
                    .replace("count(*)", "r.width || ':' || r.test_mse")
                + " ORDER BY r.width",
            id);
    assertEquals(2, standardNtk.size());
    assertTrue(
        !standardNtk.get(0).split(":")[1].equals(standardNtk.get(1).split(":")[1]),
        standardNtk.toString());
  }

  @Test
  void empiricalKernelsApproachTheAnalyticOnesAsWidthGrows() throws Exception {
    long id =
        Sweeps.submit(
            """
            name: empirical
            dataset: {name: fashion-mnist, train: 100, test: 100}
            model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
            kernel: {diag_reg: [0.01], t: [inf]}
            empirical: {width: [32, 2048], samples: 8}
            """);
    Sweeps.awaitFinished(id);
    given().get("/api/sweeps/" + id).then().statusCode(200).body("status", equalTo("done"));
    List<String> ntk =
        strings(
            resultsWhere("r.model = 'empirical_ntk'").replace("count(*)", "r.kernel_error::text")
                + " ORDER BY r.width",
            id);
    assertEquals(2, ntk.size());
    double narrow = Double.parseDouble(ntk.get(0));
    double wide = Double.parseDouble(ntk.get(1));
    // The empirical NTK's error shrinks like 1/sqrt(width): 8x narrower here, asserted 3x.
    assertTrue(
        wide < narrow / 3 && wide < 0.1, "error at width 32: " + narrow + ", at 2048: " + wide);
    assertEquals(
        0L,
        count(
            resultsWhere(
                "r.model IN ('empirical_ntk', 'empirical_nngp') AND (r.test_accuracy <= 0.3"
                    + " OR r.kernel_error IS NULL OR r.lr IS NOT NULL)"),
            id));
  }

  @Test
  void reusesUnitsAlreadyComputedByAnotherSweep() throws Exception {
    String spec =
        SPEC.replace("e2e-small", "e2e-first")
            .replace("depth: [1, 2]", "depth: [1]")
            .replace("[64, 256]", "[16]");
    long first = Sweeps.submit(spec);
    Sweeps.awaitFinished(first);
    long second = resubmitAddingNoUnit(spec.replace("e2e-first", "e2e-again"));
    assertEquals(
        strings("SELECT unit_id::text FROM sweep_unit WHERE sweep_id = ? ORDER BY unit_id", first),
        strings(
            "SELECT unit_id::text FROM sweep_unit WHERE sweep_id = ? ORDER BY unit_id", second));
  }

  @Test
  void aKernelInTilesGivesTheWholeKernelsResultsAndASecondSweepReusesItsTiles() throws Exception {
    String whole =
        """
        name: whole-kernel
        dataset: {name: fashion-mnist, train: 300, test: 100}
        model: {activation: relu, depth: 2, W_std: 1.4142135623730951, b_std: 0.1}
        kernel: {diag_reg: [0.0001, 0.01], t: [10, inf], variance: true}
        """;
    String tiled =
        whole.replace("whole-kernel", "tiled-kernel").replace("true}", "true, tile_size: 128}");
    long wholeId = Sweeps.submit(whole);
    Sweeps.awaitFinished(wholeId);
    long tiledId = Sweeps.submit(tiled);
    JsonPath sweep = Sweeps.awaitFinished(tiledId);

    // 300 training examples in blocks of 128, 128, 44: 6 tiles on and above the diagonal, and
    // the 100 test examples against each of the 3 blocks.
    assertEquals("done", sweep.getString("status"));
    assertEquals(10, sweep.getInt("units.total"));
    assertEquals(10, sweep.getInt("units.done"));
    String tilesOfSweep =
        "SELECT u.artifact FROM work_unit u JOIN sweep_unit su ON su.unit_id = u.id"
            + " WHERE su.sweep_id = ? AND u.kind = 'kernel_tile' ORDER BY u.id";
    List<String> tiles = strings(tilesOfSweep, tiledId);
    assertEquals(9, tiles.size());
    assertEquals(
        List.of("9"),
        strings(
            "SELECT cardinality(u.depends_on)::text FROM work_unit u JOIN sweep_unit su"
                + " ON su.unit_id = u.id WHERE su.sweep_id = ? AND u.kind = 'kernel'",
            tiledId));
    KernelTileCodec.TileKernels last =
        KernelTileCodec.decode(Files.readAllBytes(Path.of(tiles.get(8))));
    assertEquals(new KernelTile(KernelTile.Block.TEST_TRAIN, 0, 100, 256, 300), last.tile());

    // The same rows, value for value; none for the tiles.
    List<Map<String, Object>> expected = resultValues(wholeId);
    assertEquals(6, expected.size(), "2 NNGP ridges, 2 NTK ridges x 2 times");
    assertEquals(expected, resultValues(tiledId));

    long again = resubmitAddingNoUnit(tiled.replace("tiled-kernel", "tiled-again"));
    assertEquals(tiles, strings(tilesOfSweep, again));
  }

  /** Submits a spec whose units all exist: no unit is added and the sweep is done at once. */
  private long resubmitAddingNoUnit(String spec) throws SQLException {
    long unitsBefore = count("SELECT count(*) FROM work_unit WHERE ? > 0", 1);
    long id = Sweeps.submit(spec);
    assertEquals(
        unitsBefore,
        count("SELECT count(*) FROM work_unit WHERE ? > 0", 1),
        "no new unit for a repeated spec");
    given().get("/api/sweeps/" + id).then().statusCode(200).body("status", equalTo("done"));
    return id;
  }

  /** A sweep's result rows as the API gives them, without what differs between units. */
  private static List<Map<String, Object>> resultValues(long id) {
    List<Map<String, Object>> rows =
        given()
            .get("/api/sweeps/" + id + "/results")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    rows.forEach(
        row -> {
          row.remove("unit_id");
          row.remove("artifact");
        });
    return rows;
  }

  @Test
  void rejectsAWrongSpecWith400NamingTheFieldAndWritesNothing() throws Exception {
    long sweepsBefore = count("SELECT count(*) FROM sweep WHERE ? > 0", 1);
    given()
        .contentType("application/yaml")
        .body(
            utf8(
                SPEC.replace("width: [64, 256]", "width: [32, -1]")
                    .replace("name: e2e-small\n", "")))
        .post("/api/sweeps")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("name"))
        .body("errors.field", hasItem("finite.width[1]"))
        .body(
            "errors.find { it.field == 'finite.width[1]' }.message",
            containsString("expected an integer in 1..65536, got -1"));
    given()
        .contentType("application/json")
        .body(
            "{\"name\": \"j\", \"dataset\": {\"name\": \"fashion-mnist\", \"train\": \"many\", \"test\": 10}, \"model\": {}}")
        .post("/api/sweeps")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("dataset.train"))
        .body("errors.field", hasItem("model.depth"));
    assertEquals(sweepsBefore, count("SELECT count(*) FROM sweep WHERE ? > 0", 1));
    given().get("/api/sweeps/999999").then().statusCode(404);
  }

  @Test
  void servesHealthOpenApiAndTheDashboard() {
    given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/openapi").then().statusCode(200).body(containsString("/api/sweeps"));
    given().get("/").then().statusCode(200).body(containsString("widescan"));
    given().get("/webjars/echarts/dist/echarts.min.js").then().statusCode(200);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String resultsWhere(String condition) {
    return "SELECT count(*) FROM result r JOIN sweep_unit su ON su.unit_id = r.unit_id WHERE su.sweep_id = ? AND ("
        + condition
        + ")";
  }

  private long count(String sql, long parameter) throws SQLException {
    return Long.parseLong(strings(sql, parameter).get(0));
  }

  private List<String> strings(String sql, long parameter) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, parameter);
      try (ResultSet rs = ps.executeQuery()) {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    }
  }
}
