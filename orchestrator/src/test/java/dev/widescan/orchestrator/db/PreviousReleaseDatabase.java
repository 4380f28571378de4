package dev.widescan.orchestrator.db;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * A data directory as the first release left it: made by zonky's defaults (initdb {@code -A trust},
 * no password file), migrated by V1 only — the oldest schema widescan supports — with one finished
 * sweep in it: a kernel unit with NNGP and NTK rows and a finite unit with one row. The values are
 * in {@link #ROWS}; the test reads them back through the current service.
 */
public class PreviousReleaseDatabase implements QuarkusTestResourceLifecycleManager {
  static final Path DIR = Path.of("target/test-postgres-previous-release").toAbsolutePath();

  /** model, diag_reg (or null), width (or null), test_accuracy, test_mse. */
  static final Object[][] ROWS = {
    {"nngp", 1e-4, null, 0.8125, 0.071},
    {"nngp", 1e-2, null, 0.796875, 0.0725},
    {"ntk", 1e-4, null, 0.828125, 0.0695},
    {"finite", null, 256, 0.5625, 0.0931}
  };

  @Override
  public Map<String, String> start() {
    try {
      if (Files.exists(DIR)) {
        try (var paths = Files.walk(DIR)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Path bin = Path.of("target/test-postgres-bin").toAbsolutePath();
      Files.createDirectories(bin);
      System.setProperty("ot.epg.working-dir", bin.toString());
      try (EmbeddedPostgres old =
          EmbeddedPostgres.builder()
              .setOverrideWorkingDirectory(bin.toFile())
              .setDataDirectory(DIR)
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .start()) {
        Flyway.configure()
            .dataSource(old.getPostgresDatabase())
            .locations("classpath:db/migration")
            .target("1")
            .load()
            .migrate();
        try (Connection c = old.getPostgresDatabase().getConnection();
            Statement s = c.createStatement()) {
          s.execute(
              "INSERT INTO sweep (id, name, spec, submitted_by, code_version) VALUES (1, 'from-v1',"
                  + " '{\"name\": \"from-v1\"}', 'alice', 'v1')");
          s.execute(
              "INSERT INTO work_unit (id, content_hash, kind, kernel_key, params, status, attempts,"
                  + " finished_at, compute_seconds, worker) VALUES"
                  + " (1, 'h-kernel', 'kernel', 'k1', '{}', 'done', 1, now(), 2.5, 'w1'),"
                  + " (2, 'h-finite', 'finite', 'k1', '{}', 'done', 1, now(), 4.0, 'w1')");
          s.execute("SELECT setval('sweep_id_seq', 1), setval('work_unit_id_seq', 2)");
          s.execute("INSERT INTO sweep_unit VALUES (1, 1), (1, 2)");
          for (Object[] row : ROWS) {
            boolean finite = row[0].equals("finite");
            s.execute(
                String.format(
                    "INSERT INTO result (unit_id, row_key, model, dataset, preprocess, train_size,"
                        + " test_size, family, activation, depth, w_std, b_std, parameterization,"
                        + " width, diag_reg, t, test_accuracy, test_mse, artifact) VALUES (%d,"
                        + " '%s-%s', '%s', 'fashion-mnist', 'standardize', 100, 50, 'fc', 'relu',"
                        + " 1, 1.5, 0.1, 'ntk', %s, %s, %s, %s, %s, 'unit-%d-predictions.arrow')",
                    finite ? 2 : 1,
                    row[0],
                    row[1],
                    row[0],
                    row[2],
                    row[1],
                    finite ? "NULL" : "'Infinity'",
                    row[3],
                    row[4],
                    finite ? 2 : 1));
          }
        }
      }
      return Map.of(
          "widescan.db.embedded.dir", DIR.toString(),
          "widescan.db.embedded.fresh", "false",
          "widescan.flink.mode", "off");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {}
}
