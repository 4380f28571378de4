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
  void runsOnSyntheticTeacherDataAndRecordsTheDatasetIdentity() throws InterruptedException {
    String name = "teacher:classes=4,d=16,hidden=32,seed=7";
    long id =
        given()
            .contentType("application/yaml")
            .body(spec(name, 200).getBytes(StandardCharsets.UTF_8))
            .post("/api/sweeps")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    String status = "";
    for (int i = 0; i < 1200 && List.of("", "pending", "running").contains(status); i++) {
      Thread.sleep(100);
      status = given().get("/api/sweeps/" + id).jsonPath().getString("status");
    }
    assertEquals("done", status);
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
