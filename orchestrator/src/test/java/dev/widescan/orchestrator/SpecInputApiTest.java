package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Input the API must refuse with a 4xx that names the field, what was wrong and what was expected,
 * storing nothing, and never with a server path or a Java class name in the answer.
 */
@QuarkusTest
class SpecInputApiTest {
  private static final String SPEC =
      """
      name: input
      dataset: {name: fashion-mnist, train: 50, test: 20}
      model: {activation: relu, depth: 1, W_std: 1.5, b_std: 0.1}
      kernel: {diag_reg: [0.0001], t: [inf]}
      """;

  private static final Pattern LEAK =
      Pattern.compile(
          "(?:\\b(?:java|javax|jakarta|com|org|io)\\.[a-z]+\\.)|(?:/(?:work|home|root|tmp|usr)/)");

  private static Response post(String contentType, byte[] body) {
    return given().contentType(contentType).body(body).post("/api/sweeps");
  }

  private static JsonPath refused(Response response, int status, String field) {
    String body = response.then().statusCode(status).extract().asString();
    assertFalse(LEAK.matcher(body).find(), body);
    JsonPath json = JsonPath.from(body);
    assertEquals(field, json.getString("errors[0].field"), body);
    return json;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aNulInANameIsA400NotA500() {
    JsonPath yaml =
        refused(
            post("application/yaml", utf8(SPEC.replace("name: input", "name: \"a\\0b\""))),
            400,
            "name");
    assertTrue(yaml.getString("errors[0].message").contains("U+0000"));
    refused(
        post(
            "application/json",
            utf8(
                "{\"name\": \"a\\u0000b\", \"dataset\": {\"name\": \"fashion-mnist\", \"train\": 50,"
                    + " \"test\": 20}, \"model\": {\"activation\": \"relu\", \"depth\": 1, \"W_std\": 1},"
                    + " \"kernel\": {}}")),
        400,
        "name");
  }

  @Test
  void aNameOfAMillionCharactersIsRefusedWithTheLimit() {
    JsonPath json =
        refused(
            post(
                "application/yaml",
                utf8(SPEC.replace("name: input", "name: " + "x".repeat(1_000_000)))),
            400,
            "name");
    assertEquals(
        "is 1000000 characters long; expected at most 200", json.getString("errors[0].message"));
  }

  @Test
  void duplicateKeysAndTrailingJsonAreRefused() {
    String json =
        "{\"name\": \"j\", \"name\": \"k\", \"dataset\": {\"name\": \"fashion-mnist\", \"train\": 50,"
            + " \"test\": 20}, \"model\": {\"activation\": \"relu\", \"depth\": 1, \"W_std\": 1},"
            + " \"kernel\": {}}";
    refused(post("application/json", utf8(json)), 400, "name");
    String once = json.replace("\"name\": \"j\", ", "");
    refused(post("application/json", utf8(once + " trailing")), 400, "(body)");
    refused(post("application/yaml", utf8(SPEC + "model: {}\n")), 400, "model");
  }

  @Test
  void invalidUtf8IsA400NotReplacementCharacters() {
    byte[] latin1 =
        SPEC.replace("name: input", "name: caf\u00e9").getBytes(StandardCharsets.ISO_8859_1);
    JsonPath json = refused(post("application/yaml", latin1), 400, "(body)");
    assertTrue(json.getString("errors[0].message").startsWith("is not valid UTF-8: byte 0xE9"));
  }

  @Test
  void aBodyOverTheLimitIsA413ThatSaysTheLimitWithoutParsingIt() {
    StringBuilder big = new StringBuilder(SPEC);
    for (int i = 0; big.length() < 9 * 1024 * 1024; i++) {
      big.append("key_").append(i).append(": ").append("v".repeat(40)).append('\n');
    }
    long started = System.nanoTime();
    JsonPath json = refused(post("application/yaml", utf8(big.toString())), 413, "(body)");
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(
        json.getString("errors[0].message").startsWith("is larger than 1 MiB (1048576 bytes)"),
        json.prettify());
    System.out.println("a 9 MiB spec was refused in " + millis + " ms");
  }

  @Test
  void aSpecWithManyUnknownKeysGetsAShortAnswer() {
    StringBuilder spec = new StringBuilder(SPEC);
    for (int i = 0; i < 40_000; i++) {
      spec.append("k").append(i).append(": 1\n");
    }
    assertTrue(spec.length() < 1024 * 1024);
    String body =
        post("application/yaml", utf8(spec.toString())).then().statusCode(400).extract().asString();
    JsonPath json = JsonPath.from(body);
    assertEquals(51, json.getList("errors").size());
    assertEquals("(more)", json.getString("errors[50].field"));
    assertTrue(body.length() < 10_000, body.length() + " bytes");
  }

  @Test
  void aHugeTrainingSetIsBlamedOnDatasetTrainAndNaNOnItsField() {
    JsonPath train =
        refused(
            post("application/yaml", utf8(SPEC.replace("train: 50", "train: 2147483647"))),
            400,
            "dataset.train");
    assertTrue(train.getString("errors[0].message").contains("expected at most 46340"));
    refused(
        post("application/yaml", utf8(SPEC.replace("train: 50", "train: 60000"))),
        400,
        "dataset.train");
    refused(
        post("application/yaml", utf8(SPEC.replace("W_std: 1.5", "W_std: .nan"))),
        400,
        "model.W_std");
  }

  @Test
  void anOverlongUserNameIsRefused() {
    String field =
        given()
            .contentType("application/yaml")
            .header("X-Widescan-User", "u".repeat(500))
            .body(utf8(SPEC))
            .post("/api/sweeps")
            .then()
            .statusCode(400)
            .extract()
            .jsonPath()
            .getString("errors[0].field");
    assertEquals("X-Widescan-User", field);
  }

  @Test
  void theCurveOfAUnitIsServedOnlyThroughItsOwnSweep() {
    long finite =
        Sweeps.submit(
            """
            name: curve-owner
            dataset: {name: fashion-mnist, train: 50, test: 20}
            model: {activation: relu, depth: 1, W_std: 1.5, b_std: 0.1}
            finite: {width: 8, lr: 0.41, epochs: 1, batch_size: 25, seeds: 1}
            """);
    long other = Sweeps.submit(SPEC.replace("name: input", "name: curve-other"));
    Sweeps.awaitFinished(finite);
    long unit = given().get("/api/sweeps/" + finite + "/results").jsonPath().getLong("[0].unit_id");
    // 50 examples in batches of 25, one epoch: steps 0 and 2.
    assertEquals(
        2,
        given()
            .get("/api/sweeps/" + finite + "/units/" + unit + "/curve")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("step")
            .size());
    String wrongSweep =
        given()
            .get("/api/sweeps/" + other + "/units/" + unit + "/curve")
            .then()
            .statusCode(404)
            .extract()
            .jsonPath()
            .getString("error");
    assertEquals("sweep " + other + " has no unit " + unit, wrongSweep);
    given().get("/api/sweeps/" + finite + "/units/987654/curve").then().statusCode(404);
  }

  @Test
  void cancellingAFinishedSweepIsA409AndItStaysDone() {
    long id = Sweeps.submit(SPEC.replace("name: input", "name: finished"));
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    String error =
        given()
            .post("/api/sweeps/" + id + "/cancel")
            .then()
            .statusCode(409)
            .extract()
            .jsonPath()
            .getString("error");
    assertEquals(
        "sweep "
            + id
            + " is done: every unit has finished, so there is nothing to cancel; it stays"
            + " done",
        error);
    assertEquals("done", given().get("/api/sweeps/" + id).jsonPath().getString("status"));
  }
}
