package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Data problems are caught at submission, and every result records which data it saw. */
@QuarkusTest
class DatasetSubmissionTest {

  @Test
  void rejectsMoreExamplesThanTheDatasetHasAndNamesIt() {
    int before = given().get("/api/sweeps").jsonPath().getList("$").size();
    given()
        .contentType("application/yaml")
        .body(spec("fashion-mnist", 70000).getBytes(StandardCharsets.UTF_8))
        .post("/api/sweeps")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("dataset"))
        .body("errors[0].message", containsString("70000"));
    given()
        .contentType("application/yaml")
        .body(spec("no-such-dataset", 10).getBytes(StandardCharsets.UTF_8))
        .post("/api/sweeps")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("dataset"))
        .body("errors[0].message", containsString("no-such-dataset"));
    assertEquals(before, given().get("/api/sweeps").jsonPath().getList("$").size());
  }

  @Test
  void runsOnSyntheticTeacherDataAndRecordsTheDatasetIdentity() {
    String name = "teacher:classes=4,d=16,hidden=32,seed=7";
    long id = Sweeps.submit(spec(name, 200));
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    JsonPath rows = given().get("/api/sweeps/" + id + "/results").jsonPath();
    assertEquals(2, rows.getList("$").size());
    for (int i = 0; i < 2; i++) {
      assertEquals(64, rows.getString("[" + i + "].dataset_identity").length(), "a SHA-256");
      // Four classes: chance is 0.25; a kernel on a teacher's labels does far better.
      assertTrue(rows.getDouble("[" + i + "].test_accuracy") > 0.4, rows.prettyPrint());
    }
    assertTrue(
        given().get("/api/datasets").jsonPath().getList("datasets.name").contains("fashion-mnist"));
  }

  @Test
  void recordsSubsetPreprocessingAndTargetsWithEveryResult() {
    String spec =
        """
        name: zca
        dataset: {name: fashion-mnist, train: 200, test: 100, subset: "stratified:seed=1",
                  preprocess: "zca:eps=0.1", targets: one-hot}
        model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
        kernel: {diag_reg: [0.001], t: [inf]}
        finite: {width: 64, lr: 5.0, epochs: 5, batch_size: 50, loss: cross_entropy}
        """;
    long id = Sweeps.submit(spec);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    JsonPath rows = given().get("/api/sweeps/" + id + "/results").jsonPath();
    assertEquals(3, rows.getList("$").size());
    assertEquals(List.of("zca:eps=0.1"), rows.getList("preprocess").stream().distinct().toList());
    assertEquals(List.of("stratified:seed=1"), rows.getList("subset").stream().distinct().toList());
    assertEquals(List.of("one-hot"), rows.getList("targets").stream().distinct().toList());
    assertEquals(1, rows.getList("dataset_identity").stream().distinct().count());
    assertEquals("cross_entropy", rows.getString("find { it.model == 'finite' }.loss"));
    // Kernels do well on whitened inputs; five epochs of plain SGD on them only beat chance (0.1).
    assertTrue(
        rows.getDouble("find { it.model == 'nngp' }.test_accuracy") > 0.6, rows.prettyPrint());
    assertTrue(
        rows.getDouble("find { it.model == 'ntk' }.test_accuracy") > 0.6, rows.prettyPrint());
    assertTrue(
        rows.getDouble("find { it.model == 'finite' }.test_accuracy") > 0.12, rows.prettyPrint());
  }

  private static String spec(String dataset, int train) {
    return """
        name: data-check
        dataset: {name: "%s", train: %d, test: 100}
        model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
        kernel: {diag_reg: [0.001], t: [inf]}
        """
        .formatted(dataset, train);
  }
}
