package dev.widescan.orchestrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line client against the running test server. */
@QuarkusTest
class WidescanCliTest {
  @TestHTTPResource("/")
  URL root;

  @TempDir Path dir;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void submitsFollowsAndReadsASweep() throws Exception {
    Path spec = dir.resolve("cli.yaml");
    Files.writeString(
        spec,
        """
        name: from-the-cli
        dataset: {name: fashion-mnist, train: 60, test: 40}
        model: {activation: relu, depth: 1, W_std: 1.4142135623730951, b_std: 0.1}
        kernel: {diag_reg: [0.01], t: [inf]}
        """);
    Output submitted = run("submit", spec.toString());
    assertEquals(0, submitted.code, submitted.err);
    JsonNode sweep = json.readTree(submitted.out);
    long id = sweep.get("id").asLong();
    assertEquals("from-the-cli", sweep.get("name").asText());
    assertEquals("cli-tester", sweep.get("submitted_by").asText());

    String status = "";
    for (int i = 0; i < 600 && !status.equals("done"); i++) {
      Thread.sleep(100);
      status = json.readTree(run("status", Long.toString(id)).out).get("status").asText();
    }
    assertEquals("done", status);
    Output csv = run("results", Long.toString(id));
    String[] lines = csv.out.trim().split("\r?\n");
    assertEquals(3, lines.length, csv.out);
    assertTrue(lines[0].startsWith("unit_id,model,"), lines[0]);
  }

  @Test
  void listsTheDatasetsTheWorkersCanRead() throws Exception {
    Output listed = run("datasets");
    assertEquals(0, listed.code, listed.err);
    JsonNode fashion = null;
    for (JsonNode d : json.readTree(listed.out).get("datasets")) {
      if (d.get("name").asText().equals("fashion-mnist")) {
        fashion = d;
      }
    }
    assertTrue(fashion != null, listed.out);
    assertTrue(fashion.get("train").asLong() >= 2000, fashion.toString());
    assertEquals(10, fashion.get("classes").asInt());
    assertEquals("[28,28]", fashion.get("shape").toString().replace(" ", ""));
  }

  @Test
  void reportsWhatTheServerRejectsAndBadUsage() throws Exception {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(
        spec, "name: bad\nmodel: {activation: relu, depth: 1, W_std: 1}\nkernel: {}\n");
    Output rejected = run("submit", spec.toString());
    assertEquals(1, rejected.code);
    assertTrue(rejected.err.contains("\"field\":\"dataset\""), rejected.err);
    assertEquals(2, run("submit", dir.resolve("missing.yaml").toString()).code);
    assertEquals(2, run("steer", "explode", "1").code);
    assertEquals(1, run("status", "987654").code);
  }

  private record Output(int code, String out, String err) {}

  private Output run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    all[0] = "--server=" + root;
    all[1] = "--user=cli-tester";
    System.arraycopy(args, 0, all, 2, args.length);
    int code = WidescanCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Output(code, out.toString(), err.toString());
  }
}
