package dev.widescan.orchestrator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.Padding;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.unit.ResultColumns;
import dev.widescan.workers.unit.ResultColumns.Column;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The one table of result columns ({@link ResultColumns}) against the schema Flyway migrates, and
 * the JSON, CSV and Arrow exports of a real sweep against the rows in the database, column by
 * column.
 */
@QuarkusTest
class ResultColumnsTest {
  /**
   * The export's columns as clients know them (JSON names, CSV header, Arrow fields, in order): the
   * 36 of before the table, then architecture.
   */
  private static final List<String> EXPORTED =
      List.of(
          "unit_id",
          "model",
          "dataset",
          "train_size",
          "test_size",
          "preprocess",
          "subset",
          "targets",
          "dataset_identity",
          "activation",
          "depth",
          "w_std",
          "b_std",
          "parameterization",
          "width",
          "loss",
          "lr",
          "momentum",
          "weight_decay",
          "weight_decay_mode",
          "centred",
          "epochs",
          "steps",
          "batch_size",
          "seed",
          "diag_reg",
          "t",
          "test_accuracy",
          "test_mse",
          "train_loss",
          "kernel_error",
          "test_variance",
          "diverged_at_step",
          "note",
          "train_seconds",
          "artifact",
          "architecture");

  private static final String SPEC =
      """
      name: result-columns
      dataset: {name: fashion-mnist, train: 100, test: 50}
      model: {activation: ["erf(a=2, c=0.3)", relu], depth: [1, 2], W_std: 1.5, b_std: 0.1}
      kernel: {kinds: [nngp, ntk], diag_reg: [0.01], t: [10, inf], variance: true}
      finite: {width: [32], lr: 0.5, momentum: 0.9, epochs: 1, batch_size: 50, seeds: 2,
               ensemble: true}
      empirical: {width: [32], samples: 2}
      """;

  @Inject AgroalDataSource db;

  @TestHTTPResource("/")
  URL root;

  @Test
  void everyColumnOfTheTableIsInTheMigratedSchemaWithItsTypeAndNullability() throws SQLException {
    Map<String, String[]> schema = new TreeMap<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                    + " WHERE table_schema = current_schema() AND table_name = 'result'");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        schema.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
      }
    }
    for (Column column : ResultColumns.ALL) {
      String[] declared = schema.get(column.name());
      assertTrue(declared != null, "the migrated result table has no column " + column.name());
      assertEquals(declared[0], column.type().sql(), column.name() + "'s SQL type");
      assertEquals(declared[1].equals("YES"), column.nullable(), column.name() + "'s nullability");
    }
    Set<String> inTable = new TreeSet<>(ResultColumns.DATABASE_FILLED);
    ResultColumns.ALL.forEach(c -> inTable.add(c.name()));
    assertEquals(
        schema.keySet(),
        inTable,
        "every column of the migrated result table is in ResultColumns (or filled by the database)");
    assertEquals(
        ResultColumns.ALL.size(), ResultColumns.ALL.stream().map(Column::name).distinct().count());
  }

  @Test
  void theColumnsKeepTheirNamesAndOrderAndAreServedToTheDashboard() throws Exception {
    assertEquals(EXPORTED, ResultColumns.EXPORTED.stream().map(Column::json).toList());
    JsonNode served =
        new ObjectMapper()
            .readTree(
                given().get("/api/results/columns").then().statusCode(200).extract().asString());
    List<String> names = new ArrayList<>();
    served.forEach(c -> names.add(c.get("name").asText()));
    assertEquals(EXPORTED, names);
    Map<String, String> types = new HashMap<>();
    served.forEach(c -> types.put(c.get("name").asText(), c.get("type").asText()));
    assertEquals("integer", types.get("unit_id"));
    assertEquals("integer", types.get("width"));
    assertEquals("number", types.get("t"));
    assertEquals("boolean", types.get("centred"));
    assertEquals("string", types.get("architecture"));
    assertEquals("double precision", served.get(EXPORTED.indexOf("lr")).get("sql_type").asText());
  }

  @Test
  void jsonCsvAndArrowCarryEveryColumnWithTheDatabasesValues() throws Exception {
    long id = Sweeps.submit(SPEC);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    Map<String, Map<String, Object>> stored = storedRows(id);
    // Per (activation, depth): a kernel unit (NNGP at 1 diag_reg, NTK at 2 t), 2 finite nets and
    // their ensemble, an empirical unit (empirical NNGP and NTK, as the kernels).
    assertEquals(4 * (3 + 3 + 3), stored.size());

    // The architecture column carries the canonical layer string of each row's network.
    Set<String> architectures =
        stored.values().stream()
            .map(r -> r.get("activation") + " " + r.get("depth") + " " + r.get("architecture"))
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        new TreeSet<>(
            List.of(
                "erf(a=2, c=0.3) 1 dense>erf(a=2,c=0.3)>dense",
                "erf(a=2, c=0.3) 2 dense>erf(a=2,c=0.3)>dense>erf(a=2,c=0.3)>dense",
                "relu 1 dense>relu>dense",
                "relu 2 dense>relu>dense>relu>dense")),
        architectures);
    // Every kind of value appears somewhere, so each column's export is exercised.
    for (String column :
        List.of(
            "width",
            "lr",
            "momentum",
            "centred",
            "steps",
            "seed",
            "kernel_error",
            "test_variance")) {
      assertTrue(
          stored.values().stream().anyMatch(r -> r.get(column) != null), column + " is filled");
    }
    assertTrue(
        stored.values().stream()
            .anyMatch(r -> Double.valueOf(Double.POSITIVE_INFINITY).equals(r.get("t"))));

    assertSameRows(stored, jsonRows(id), "JSON");
    assertSameRows(stored, csvRows(id), "CSV");
    assertSameRows(stored, arrowRows(id), "Arrow");
  }

  @Test
  void theDashboardsResultRowsCarryEveryColumnWithTheDatabasesValues() throws Exception {
    long id = Sweeps.submit(SPEC);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    Map<String, Map<String, Object>> stored = storedRows(id);

    WebDriver browser = Browsers.headlessChromium();
    String wire;
    try {
      browser.get(root + "index.html");
      browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
      // The dashboard's own client, as the sweep page calls it; ±Infinity survive as strings.
      wire =
          (String)
              ((JavascriptExecutor) browser)
                  .executeAsyncScript(
                      "const done = arguments[arguments.length - 1];"
                          + "import(new URL('js/api.js', document.baseURI).href)"
                          + ".then((api) => api.getResults(arguments[0]))"
                          + ".then((rows) => done(JSON.stringify(rows,"
                          + " (k, v) => (v === Infinity || v === -Infinity ? String(v) : v))),"
                          + " (e) => done('failed: ' + e.message));",
                      id);
    } finally {
      browser.quit();
    }
    assertTrue(wire.startsWith("["), wire);
    // Every column, then what the client derives: the architecture apart from its depth.
    List<String> domainNames =
        java.util.stream.Stream.concat(
                EXPORTED.stream().map(ResultColumnsTest::camelCase),
                java.util.stream.Stream.of("layout"))
            .toList();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode domain : new ObjectMapper().readTree(wire)) {
      List<String> names = new ArrayList<>();
      domain.fieldNames().forEachRemaining(names::add);
      assertEquals(domainNames, names, "the dashboard's result row");
      Map<String, Object> row = new LinkedHashMap<>();
      for (Column column : ResultColumns.EXPORTED) {
        JsonNode value = domain.get(camelCase(column.json()));
        row.put(
            column.json(),
            column.type() == ResultColumns.Type.DOUBLE && value.isTextual()
                ? Double.valueOf(value.asText())
                : fromJson(column, value));
      }
      rows.add(row);
    }
    assertSameRows(stored, rows, "dashboard");
  }

  private static String camelCase(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.split("_")) {
      out.append(out.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return out.toString();
  }

  @Test
  void aConvolutionalSweepsRowsCarryTheirCanonicalLayerList() throws Exception {
    long id =
        Sweeps.submit(
            """
            name: result-columns-cnn
            dataset: {name: fashion-mnist, train: 20, test: 10}
            model: {family: cnn, readout: flatten, activation: "erf(a=2, c=0.3)", depth: 1,
                    W_std: 1.5, b_std: 0.1}
            kernel: {diag_reg: [0.001], t: [inf]}
            """);
    assertEquals("done", Sweeps.awaitFinished(id).getString("status"));
    String expected =
        Architecture.cnn(
                1,
                Activation.parse("erf(a=2, c=0.3)"),
                3,
                Padding.SAME,
                Architecture.Readout.FLATTEN,
                1.5,
                0.1)
            .canonical();
    assertEquals("conv(filter=3)>erf(a=2,c=0.3)>flatten>dense", expected);
    Map<String, Map<String, Object>> stored = storedRows(id);
    assertEquals(2, stored.size(), "NNGP and NTK");
    for (Map<String, Object> row : stored.values()) {
      assertEquals(expected, row.get("architecture"));
      assertEquals("cnn", row.get("family"));
    }
    assertSameRows(stored, jsonRows(id), "JSON");
    assertSameRows(stored, csvRows(id), "CSV");
    assertSameRows(stored, arrowRows(id), "Arrow");
  }

  /** Each exported row equals the database's row, column by column, and no row is missing. */
  private static void assertSameRows(
      Map<String, Map<String, Object>> stored, List<Map<String, Object>> exported, String format) {
    assertEquals(stored.size(), exported.size(), format + " rows");
    for (Map<String, Object> row : exported) {
      assertEquals(EXPORTED, List.copyOf(row.keySet()), format + " columns");
      Map<String, Object> expected = stored.get(key(row));
      assertTrue(expected != null, format + " row " + key(row) + " is not in the database");
      for (Column column : ResultColumns.EXPORTED) {
        assertEquals(
            served(column, expected.get(column.name())),
            row.get(column.json()),
            format + " " + column.json() + " of " + key(row));
      }
    }
  }

  /** A stored value as the API serves it: artifacts by their file name, never a server path. */
  private static Object served(Column column, Object stored) {
    return column.name().equals("artifact") && stored != null
        ? java.nio.file.Path.of(stored.toString()).getFileName().toString()
        : stored;
  }

  /** What identifies a row of a sweep: its unit, and its model, diag_reg and t within the unit. */
  private static String key(Map<String, Object> row) {
    return row.get("unit_id")
        + "/"
        + row.get("model")
        + "/"
        + row.get("diag_reg")
        + "/"
        + row.get("t");
  }

  private Map<String, Map<String, Object>> storedRows(long sweepId) throws SQLException {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT r.* FROM result r JOIN sweep_unit su ON su.unit_id = r.unit_id WHERE su.sweep_id = ?")) {
      ps.setLong(1, sweepId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> row = new HashMap<>();
          for (Column column : ResultColumns.ALL) {
            row.put(column.name(), column.type().read(rs, rs.findColumn(column.name())));
          }
          assertEquals(null, rows.put(key(row), row), "one row per " + key(row));
        }
      }
    }
    return rows;
  }

  private static List<Map<String, Object>> jsonRows(long id) throws Exception {
    JsonNode wire =
        new ObjectMapper()
            .readTree(
                given()
                    .get("/api/sweeps/" + id + "/results")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode w : wire) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (Iterator<String> names = w.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        row.put(name, fromJson(ResultColumns.named(name), w.get(name)));
      }
      rows.add(row);
    }
    return rows;
  }

  private static Object fromJson(Column column, JsonNode value) {
    if (value.isNull()) {
      return null;
    }
    return switch (column.type()) {
      case BIGINT -> integral(value).longValue();
      case INTEGER -> integral(value).intValue();
      case DOUBLE -> value.isTextual() ? fromText(column, value.asText()) : value.doubleValue();
      case BOOLEAN -> value.isBoolean() ? value.booleanValue() : value;
      case TEXT -> value.isTextual() ? value.asText() : value;
    };
  }

  private static JsonNode integral(JsonNode value) {
    assertTrue(value.isIntegralNumber(), value + " is a whole number");
    return value;
  }

  private static List<Map<String, Object>> csvRows(long id) {
    String csv =
        given()
            .get("/api/sweeps/" + id + "/results?format=csv")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    List<List<String>> records = parseCsv(csv);
    List<String> header = records.get(0);
    assertEquals(EXPORTED, header);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (List<String> record : records.subList(1, records.size())) {
      assertEquals(header.size(), record.size(), "cells in " + record);
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        String cell = record.get(i);
        row.put(
            header.get(i),
            cell.isEmpty() ? null : fromText(ResultColumns.named(header.get(i)), cell));
      }
      rows.add(row);
    }
    return rows;
  }

  private static Object fromText(Column column, String text) {
    return switch (column.type()) {
      case BIGINT -> Long.valueOf(text);
      case INTEGER -> Integer.valueOf(text);
      case DOUBLE ->
          text.equals("inf")
              ? Double.POSITIVE_INFINITY
              : text.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.valueOf(text);
      case BOOLEAN ->
          text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : text;
      case TEXT -> text;
    };
  }

  /** RFC 4180: records end in CRLF; a quoted cell may hold commas, quotes (doubled) and breaks. */
  private static List<List<String>> parseCsv(String csv) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < csv.length(); i++) {
      char ch = csv.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cell.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        record.add(cell.toString());
        cell.setLength(0);
      } else if (ch == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
        record.add(cell.toString());
        cell.setLength(0);
        records.add(record);
        record = new ArrayList<>();
        i++;
      } else {
        cell.append(ch);
      }
    }
    assertTrue(record.isEmpty() && cell.isEmpty(), "the CSV ends with a line break");
    return records;
  }

  private static List<Map<String, Object>> arrowRows(long id) throws Exception {
    byte[] bytes =
        given()
            .get("/api/sweeps/" + id + "/results?format=arrow")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    List<Map<String, Object>> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      List<Field> fields = root.getSchema().getFields();
      assertEquals(EXPORTED, fields.stream().map(Field::getName).toList());
      for (Field field : fields) {
        assertEquals(
            ResultColumns.named(field.getName()).type().arrow(), field.getType(), field.getName());
        assertTrue(field.isNullable(), field.getName() + " is nullable");
      }
      while (reader.loadNextBatch()) {
        for (int i = 0; i < root.getRowCount(); i++) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (FieldVector vector : root.getFieldVectors()) {
            Object value = vector.getObject(i);
            row.put(
                vector.getName(),
                value instanceof org.apache.arrow.vector.util.Text text ? text.toString() : value);
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }
}
