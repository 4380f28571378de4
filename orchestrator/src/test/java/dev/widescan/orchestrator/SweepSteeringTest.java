package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.Test;

/** Cancel, resume and retry through the API, failures recorded with their reasons, Arrow export. */
@QuarkusTest
class SweepSteeringTest {

  @Test
  void recordsAFailingUnitWithItsReasonWhileTheSweepGoesOn() {
    long id =
        Sweeps.submit(
            """
            name: with-a-bad-architecture
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: relu, depth: 2, W_std: [1.4142135623730951, 1.0e200], b_std: 0.1}
            kernel: {diag_reg: [0.0001], t: [inf]}
            """);
    JsonPath sweep = Sweeps.awaitFinished(id);
    assertEquals("failed", sweep.getString("status"));
    assertEquals(1, sweep.getInt("units.done"));
    assertEquals(1, sweep.getInt("units.failed"));
    String reason = sweep.getString("failures[0].error");
    assertTrue(reason.contains("NaN") || reason.contains("positive definite"), reason);
    // The healthy kernel unit's NNGP and NTK rows.
    assertEquals(2, count(given().get("/api/sweeps/" + id + "/results").jsonPath(), "model"));

    // Retrying re-runs the unit with a fresh budget; it fails again for the same reason.
    given().post("/api/sweeps/" + id + "/retry").then().statusCode(200);
    JsonPath again = Sweeps.awaitFinished(id);
    assertEquals(1, again.getInt("units.failed"));
    assertEquals(1, again.getInt("failures[0].attempts"));
    assertEquals(reason, again.getString("failures[0].error"));
  }

  @Test
  void aDivergingNetworkIsAResultThatSaysWhereAndTheCurveIsStored() {
    long id =
        Sweeps.submit(
            """
            name: diverging
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
            finite: {width: 64, lr: [10.0, 1.0e7], epochs: 3, batch_size: 25, seeds: 2, ensemble: true}
            """);
    JsonPath sweep = Sweeps.awaitFinished(id);
    assertEquals("done", sweep.getString("status"));
    assertEquals(6, sweep.getInt("units.done"));
    JsonPath rows = given().get("/api/sweeps/" + id + "/results").jsonPath();
    Map<String, Object> diverged = rows.getMap("find { it.lr == 1.0e7 && it.model == 'finite' }");
    assertEquals(null, diverged.get("test_accuracy"));
    assertTrue(((Number) diverged.get("diverged_at_step")).longValue() >= 1, diverged.toString());
    assertTrue(diverged.get("note").toString().startsWith("diverged at step"), diverged.toString());
    Map<String, Object> trained =
        rows.getMap("find { it.lr == 10.0 && it.model == 'finite' && it.seed == 0 }");
    assertTrue(((Number) trained.get("test_accuracy")).doubleValue() > 0.2, trained.toString());
    assertEquals(null, trained.get("diverged_at_step"));
    assertEquals(12, ((Number) trained.get("steps")).intValue(), "3 epochs of 4 batches");
    assertTrue(((Number) diverged.get("steps")).intValue() < 12, diverged.toString());

    Map<String, Object> lost = rows.getMap("find { it.lr == 1.0e7 && it.model == 'ensemble' }");
    assertEquals(null, lost.get("test_accuracy"));
    assertEquals("member seed 0 left no predictions (it diverged)", lost.get("note"));
    Map<String, Object> ensemble = rows.getMap("find { it.lr == 10.0 && it.model == 'ensemble' }");
    assertEquals("mean of 2 networks, seeds [0, 1]", ensemble.get("note"));

    // 100 examples in batches of 25: a curve point per epoch (4 steps), step 0 included.
    long unit = ((Number) trained.get("unit_id")).longValue();
    JsonPath curve = given().get("/api/sweeps/" + id + "/units/" + unit + "/curve").jsonPath();
    assertEquals(List.of(0, 4, 8, 12), curve.getList("step"));
    assertEquals(120.0, curve.getDouble("t[3]"), 1e-9, "t = lr x steps");
    assertTrue(curve.getDouble("train_loss[3]") < curve.getDouble("train_loss[0]"));
  }

  @Test
  void cancelStopsPendingUnitsAndResumeFinishesThem() {
    long id =
        Sweeps.submit(
            """
            name: to-cancel
            dataset: {name: fashion-mnist, train: 500, test: 100}
            model: {activation: relu, depth: 2, W_std: 1.4142135623730951, b_std: 0.1}
            finite: {width: 256, lr: 1.0, epochs: 10, batch_size: 50, seeds: 16}
            """);
    JsonPath cancelled =
        given().post("/api/sweeps/" + id + "/cancel").then().statusCode(200).extract().jsonPath();
    assertEquals("cancelled", cancelled.getString("status"));
    assertTrue(cancelled.getInt("units.cancelled") >= 8, "at most 4 units are claimed at once");
    JsonPath settled = awaitUnits(id, "units.running", 0);
    assertEquals(16, settled.getInt("units.done") + settled.getInt("units.cancelled"));

    String resumed =
        given()
            .post("/api/sweeps/" + id + "/resume")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("status");
    assertTrue(List.of("pending", "running").contains(resumed), resumed);
    JsonPath done = Sweeps.awaitFinished(id);
    assertEquals("done", done.getString("status"));
    assertEquals(16, done.getInt("units.done"));
    given()
        .post("/api/sweeps/424242/cancel")
        .then()
        .statusCode(404)
        .body("error", containsString("424242"));
  }

  @Test
  void exportsResultsAsAnArrowStream() throws IOException {
    long id =
        Sweeps.submit(
            """
            name: arrow-export
            dataset: {name: fashion-mnist, train: 100, test: 50}
            model: {activation: erf, depth: 1, W_std: 1.2, b_std: 0.05}
            kernel: {diag_reg: [0.001, 0.1], t: [10, inf], variance: true}
            """);
    Sweeps.awaitFinished(id);
    byte[] stream =
        given()
            .get("/api/sweeps/" + id + "/results?format=arrow")
            .then()
            .statusCode(200)
            .contentType("application/vnd.apache.arrow.stream")
            .extract()
            .asByteArray();
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(
                Channels.newChannel(new java.io.ByteArrayInputStream(stream)), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      assertTrue(reader.loadNextBatch());
      // 2 NNGP rows + 2 diag_reg x 2 t NTK rows.
      assertEquals(6, root.getRowCount());
      VarCharVector model = (VarCharVector) root.getVector("model");
      Float8Vector t = (Float8Vector) root.getVector("t");
      Float8Vector accuracy = (Float8Vector) root.getVector("test_accuracy");
      int infinite = 0;
      Float8Vector variance = (Float8Vector) root.getVector("test_variance");
      for (int i = 0; i < root.getRowCount(); i++) {
        String m = new String(model.get(i), StandardCharsets.UTF_8);
        // The NNGP posterior variance was asked for; the NTK rows have none.
        assertEquals(m.equals("nngp"), !variance.isNull(i), m);
        assertTrue(variance.isNull(i) || variance.get(i) > 0, m);
        assertTrue(List.of("nngp", "ntk").contains(m), m);
        assertTrue(accuracy.get(i) > 0.3, "accuracy " + accuracy.get(i));
        infinite += Double.isInfinite(t.get(i)) ? 1 : 0;
      }
      assertEquals(4, infinite, "NNGP rows and NTK rows at t = inf");
      assertTrue(root.getVector("width").isNull(0));
    }
  }

  private static int count(JsonPath json, String field) {
    return json.getList(field).size();
  }

  private static JsonPath awaitUnits(long id, String field, int value) {
    return Sweeps.await(id, json -> json.getInt(field) == value);
  }
}
