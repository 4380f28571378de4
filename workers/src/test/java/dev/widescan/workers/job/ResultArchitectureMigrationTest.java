package dev.widescan.workers.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.widescan.workers.unit.ArchitectureSpec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * V10 gives the result rows written before it their architecture string: the one {@link
 * ArchitectureSpec#architecture()} gives new rows of the same family, activation and depth.
 */
class ResultArchitectureMigrationTest {
  private record Fc(String activation, int depth, String expected) {}

  private static final List<Fc> ROWS =
      List.of(
          new Fc("relu", 0, "dense"),
          new Fc("relu", 1, "dense>relu>dense"),
          new Fc("erf", 3, "dense>erf>dense>erf>dense>erf>dense"),
          new Fc("leaky_relu(alpha=0.1)", 1, "dense>leaky_relu(alpha=0.1)>dense"),
          new Fc("erf(a=2, c=0.3)", 2, "dense>erf(a=2,c=0.3)>dense>erf(a=2,c=0.3)>dense"),
          new Fc("ab_relu(a=-0.5, b=1)", 1, "dense>ab_relu(a=-0.5,b=1)>dense"),
          new Fc("tanh(deg=50)", 1, "dense>tanh(deg=50)>dense"));

  @Test
  void backfillsFullyConnectedRowsWithTheCanonicalLayerString() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      List<Path> migrations = Migrations.inOrder();
      Path v10 = Path.of("../migrations/V10__result_architecture.sql");
      for (Path m : migrations) {
        if (!m.getFileName().equals(v10.getFileName())) {
          s.execute(Files.readString(m));
        }
      }
      s.execute(
          "INSERT INTO work_unit (content_hash, kind, kernel_key, params) VALUES ('h', 'kernel', 'k', '{}')");
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO result (unit_id, row_key, model, dataset, preprocess, train_size, test_size,"
                  + " family, activation, depth, w_std, b_std, parameterization)"
                  + " VALUES (1, ?, 'nngp', 'd', 'standardize', 10, 10, ?, ?, ?, 1.5, 0.1, 'ntk')")) {
        for (int i = 0; i < ROWS.size(); i++) {
          ps.setString(1, "row" + i);
          ps.setString(2, "fc");
          ps.setString(3, ROWS.get(i).activation());
          ps.setInt(4, ROWS.get(i).depth());
          ps.addBatch();
        }
        ps.setString(1, "other");
        ps.setString(2, "other-family");
        ps.setString(3, "relu");
        ps.setInt(4, 1);
        ps.addBatch();
        ps.executeBatch();
      }

      s.execute(Files.readString(v10));

      for (int i = 0; i < ROWS.size(); i++) {
        Fc row = ROWS.get(i);
        String java =
            new ArchitectureSpec("fc", row.activation(), row.depth(), 1.5, 0.1, "ntk", null)
                .architecture();
        assertEquals(row.expected(), java, "Java's canonical string for " + row);
        assertEquals(java, architecture(c, "row" + i), "backfilled " + row);
      }
      assertNull(architecture(c, "other"), "only fully-connected rows are known to the backfill");
    }
  }

  private static String architecture(Connection c, String rowKey) throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT architecture FROM result WHERE row_key = ?")) {
      ps.setString(1, rowKey);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
