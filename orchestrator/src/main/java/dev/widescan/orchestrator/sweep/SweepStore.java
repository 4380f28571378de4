package dev.widescan.orchestrator.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Sweeps, their units and results in Postgres. The only place the orchestrator speaks SQL. */
@ApplicationScoped
public class SweepStore {
  private static final String SUMMARY =
      """
      SELECT s.id, s.name, s.submitted_by, s.code_version, s.created_at, s.cancelled_at IS NOT NULL AS cancelled,
             count(u.id) FILTER (WHERE u.status = 'pending')   AS pending,
             count(u.id) FILTER (WHERE u.status = 'running')   AS running,
             count(u.id) FILTER (WHERE u.status = 'done')      AS done,
             count(u.id) FILTER (WHERE u.status = 'failed')    AS failed,
             count(u.id) FILTER (WHERE u.status = 'cancelled') AS cancelled_units,
             count(u.id) AS total
        FROM sweep s
        LEFT JOIN sweep_unit su ON su.sweep_id = s.id
        LEFT JOIN work_unit u ON u.id = su.unit_id
      """;

  /** Result columns in the order of the API and the CSV export. */
  public static final List<String> RESULT_COLUMNS =
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
          "artifact");

  private final AgroalDataSource dataSource;
  private final ObjectMapper json;

  public SweepStore(AgroalDataSource dataSource, ObjectMapper json) {
    this.dataSource = dataSource;
    this.json = json;
  }

  /**
   * Stores a sweep and links it to its units in one transaction. A unit whose content hash is
   * already known is reused as it is; one that had failed or been cancelled is queued again. Units
   * that wait to run join this sweep's queue, so that the workers' fair share of this sweep covers
   * them even when an earlier sweep asked for them first.
   */
  public long create(
      String name,
      JsonNode spec,
      String submittedBy,
      String codeVersion,
      List<SweepExpander.PlannedUnit> units)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        long sweepId;
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO sweep (name, spec, submitted_by, code_version) VALUES (?, ?::jsonb, ?, ?) RETURNING id")) {
          ps.setString(1, name);
          ps.setString(2, json.writeValueAsString(spec));
          ps.setString(3, submittedBy);
          ps.setString(4, codeVersion);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            sweepId = rs.getLong(1);
          }
        }
        try (PreparedStatement upsert =
                c.prepareStatement(
                    """
                    INSERT INTO work_unit (content_hash, kind, kernel_key, params, depends_on, queue)
                    VALUES (?, ?, ?, ?::jsonb, ?, ?)
                    ON CONFLICT (content_hash) DO UPDATE SET
                      status = CASE WHEN work_unit.status IN ('failed', 'cancelled') THEN 'pending' ELSE work_unit.status END,
                      attempts = CASE WHEN work_unit.status IN ('failed', 'cancelled') THEN 0 ELSE work_unit.attempts END,
                      queue = CASE WHEN work_unit.status IN ('pending', 'failed', 'cancelled') THEN EXCLUDED.queue
                                   ELSE work_unit.queue END
                    RETURNING id
                    """);
            PreparedStatement link =
                c.prepareStatement(
                    "INSERT INTO sweep_unit (sweep_id, unit_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
          Map<String, Long> idsByHash = new java.util.HashMap<>();
          for (SweepExpander.PlannedUnit u : units) {
            upsert.setString(1, u.contentHash());
            upsert.setString(2, u.kind().id());
            upsert.setString(3, u.kernelKey());
            upsert.setString(4, u.paramsJson());
            Long[] dependsOn = u.dependsOn().stream().map(idsByHash::get).toArray(Long[]::new);
            upsert.setArray(5, c.createArrayOf("bigint", dependsOn));
            upsert.setLong(6, sweepId);
            long unitId;
            try (ResultSet rs = upsert.executeQuery()) {
              rs.next();
              unitId = rs.getLong(1);
            }
            idsByHash.put(u.contentHash(), unitId);
            link.setLong(1, sweepId);
            link.setLong(2, unitId);
            link.addBatch();
          }
          link.executeBatch();
        }
        c.commit();
        return sweepId;
      } catch (SQLException
          | RuntimeException
          | com.fasterxml.jackson.core.JsonProcessingException e) {
        c.rollback();
        if (e instanceof SQLException sql) {
          throw sql;
        }
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Returns every running unit to the queue without counting the interrupted attempt. Only safe
   * when no other worker can hold a lease, i.e. on the embedded database.
   */
  public int releaseAllLeases() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE work_unit SET status = 'pending', attempts = greatest(attempts - 1, 0), lease_owner = NULL,"
                    + " lease_expires_at = NULL WHERE status = 'running'")) {
      return ps.executeUpdate();
    }
  }

  /** What a cancel did. */
  public enum Cancel {
    /** No sweep has that id. */
    NO_SWEEP,
    /** The sweep is cancelled (now or before). */
    CANCELLED,
    /** Every unit of the sweep had finished: nothing was cancelled and its status stays. */
    FINISHED
  }

  /**
   * Cancels a sweep: its pending units that no other live sweep needs are cancelled; running units
   * finish, since their results stay valid for everyone. A sweep whose units have all finished is
   * left as it is.
   */
  public Cancel cancel(long sweepId) throws SQLException {
    return inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  SELECT s.cancelled_at IS NOT NULL,
                         EXISTS (SELECT 1 FROM sweep_unit su JOIN work_unit u ON u.id = su.unit_id
                                  WHERE su.sweep_id = s.id AND u.status IN ('pending', 'running'))
                    FROM sweep s WHERE s.id = ? FOR UPDATE
                  """)) {
            ps.setLong(1, sweepId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Cancel.NO_SWEEP;
              }
              if (!rs.getBoolean(1) && !rs.getBoolean(2)) {
                return Cancel.FINISHED;
              }
            }
          }
          update(
              c,
              "UPDATE sweep SET cancelled_at = coalesce(cancelled_at, now()) WHERE id = ?",
              sweepId);
          update(
              c,
              """
              UPDATE work_unit u SET status = 'cancelled', finished_at = now(), error = 'cancelled with sweep ' || ?
               WHERE u.status = 'pending'
                 AND u.id IN (SELECT unit_id FROM sweep_unit WHERE sweep_id = ?)
                 AND NOT EXISTS (SELECT 1 FROM sweep_unit other JOIN sweep s ON s.id = other.sweep_id
                                  WHERE other.unit_id = u.id AND s.cancelled_at IS NULL)
              """,
              sweepId,
              sweepId);
          return Cancel.CANCELLED;
        });
  }

  /** Resumes a cancelled sweep: its cancelled units are queued again. */
  public boolean resume(long sweepId) throws SQLException {
    return inTransaction(
        c -> {
          if (update(c, "UPDATE sweep SET cancelled_at = NULL WHERE id = ?", sweepId) == 0) {
            return false;
          }
          update(
              c,
              "UPDATE work_unit SET status = 'pending', error = NULL, finished_at = NULL"
                  + " WHERE status = 'cancelled' AND id IN (SELECT unit_id FROM sweep_unit WHERE sweep_id = ?)",
              sweepId);
          return true;
        });
  }

  /** Queues the sweep's failed units again with a fresh attempt budget; returns how many. */
  public int retryFailed(long sweepId) throws SQLException {
    return inTransaction(
        c ->
            update(
                c,
                "UPDATE work_unit SET status = 'pending', attempts = 0, error = NULL, finished_at = NULL"
                    + " WHERE status = 'failed' AND id IN (SELECT unit_id FROM sweep_unit WHERE sweep_id = ?)",
                sweepId));
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static int update(Connection c, String sql, long... parameters) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setLong(i + 1, parameters[i]);
      }
      return ps.executeUpdate();
    }
  }

  public List<SweepSummary> list() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(SUMMARY + " GROUP BY s.id ORDER BY s.id DESC");
        ResultSet rs = ps.executeQuery()) {
      List<SweepSummary> out = new ArrayList<>();
      while (rs.next()) {
        out.add(summary(rs));
      }
      return out;
    }
  }

  public Optional<SweepSummary> find(long id) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      SweepSummary summary;
      try (PreparedStatement ps = c.prepareStatement(SUMMARY + " WHERE s.id = ? GROUP BY s.id")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          summary = summary(rs);
        }
      }
      JsonNode spec;
      try (PreparedStatement ps = c.prepareStatement("SELECT spec::text FROM sweep WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          spec = json.readTree(rs.getString(1));
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new SQLException("sweep " + id + " has a spec that is not JSON", e);
      }
      List<SweepSummary.Failure> failures = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              """
              SELECT u.id, u.kind, u.attempts, u.error FROM work_unit u JOIN sweep_unit su ON su.unit_id = u.id
               WHERE su.sweep_id = ? AND u.error IS NOT NULL AND u.status IN ('failed', 'pending')
               ORDER BY u.id LIMIT 1000
              """)) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            failures.add(
                new SweepSummary.Failure(
                    rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4)));
          }
        }
      }
      return Optional.of(summary.withDetails(spec, failures));
    }
  }

  /** The sweep's result rows in {@link #RESULT_COLUMNS} order; SQL NULL stays null. */
  public List<Map<String, Object>> results(long sweepId) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT "
                    + String.join(", ", RESULT_COLUMNS.stream().map(col -> "r." + col).toList())
                    + " FROM result r JOIN sweep_unit su ON su.unit_id = r.unit_id WHERE su.sweep_id = ?"
                    + " ORDER BY r.model, r.depth, r.width NULLS FIRST, r.lr, r.weight_decay, r.seed,"
                    + " r.diag_reg, r.t, r.id")) {
      ps.setLong(1, sweepId);
      try (ResultSet rs = ps.executeQuery()) {
        return rows(rs);
      }
    }
  }

  /**
   * A unit's training curve, step by step (empty for units that train nothing), or empty when the
   * sweep has no such unit.
   */
  public Optional<List<Map<String, Object>>> curve(long sweepId, long unitId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT 1 FROM sweep_unit WHERE sweep_id = ? AND unit_id = ?")) {
        ps.setLong(1, sweepId);
        ps.setLong(2, unitId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT step, t, train_loss, train_accuracy, test_loss, test_accuracy"
                  + " FROM training_curve WHERE unit_id = ? ORDER BY step")) {
        ps.setLong(1, unitId);
        try (ResultSet rs = ps.executeQuery()) {
          return Optional.of(rows(rs));
        }
      }
    }
  }

  private static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    List<Map<String, Object>> rows = new ArrayList<>();
    while (rs.next()) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        row.put(meta.getColumnLabel(i), rs.getObject(i));
      }
      rows.add(row);
    }
    return rows;
  }

  private static SweepSummary summary(ResultSet rs) throws SQLException {
    SweepSummary.UnitCounts counts =
        new SweepSummary.UnitCounts(
            rs.getLong("pending"),
            rs.getLong("running"),
            rs.getLong("done"),
            rs.getLong("failed"),
            rs.getLong("cancelled_units"),
            rs.getLong("total"));
    return new SweepSummary(
        rs.getLong("id"),
        rs.getString("name"),
        counts.status(rs.getBoolean("cancelled")),
        rs.getString("submitted_by"),
        rs.getString("code_version"),
        rs.getObject("created_at", OffsetDateTime.class),
        counts,
        null,
        null);
  }
}
