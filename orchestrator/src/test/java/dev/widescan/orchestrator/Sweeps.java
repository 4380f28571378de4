package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/** Submitting and following sweeps through the REST API, for the tests. */
final class Sweeps {
  private static final long PATIENCE_NANOS = 300_000_000_000L;

  private Sweeps() {}

  /** Submits a YAML spec and returns the new sweep's id (the API must answer 201). */
  static long submit(String spec) {
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

  /** Waits until the sweep is neither pending nor running; returns its final state. */
  static JsonPath awaitFinished(long id) {
    return await(id, json -> !List.of("pending", "running").contains(json.getString("status")));
  }

  /** Waits until the sweep's state satisfies {@code done}, for at most 300 s. */
  static JsonPath await(long id, Predicate<JsonPath> done) {
    long deadline = System.nanoTime() + PATIENCE_NANOS;
    while (System.nanoTime() < deadline) {
      JsonPath json = given().get("/api/sweeps/" + id).then().statusCode(200).extract().jsonPath();
      if (done.test(json)) {
        return json;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("sweep " + id + " did not settle in 300 s");
  }
}
