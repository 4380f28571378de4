package dev.widescan.workers.job;

import dev.widescan.workers.unit.CurveRow;
import dev.widescan.workers.unit.ResultRow;
import dev.widescan.workers.unit.UnitKind;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;

/**
 * The job's side of the work_unit and result tables: claiming units under a lease and recording
 * outcomes. Postgres is the source of truth; every write here is safe to repeat.
 */
public final class UnitStore implements AutoCloseable {
  /**
   * Claims fairly across users and sweeps. Every unfinished unit waits in one sweep's queue
   * (work_unit.queue; 0 for units of no sweep). Among the queues with a unit ready to run, the
   * claim takes the one whose user has the fewest units running (then was served least recently),
   * within that user the queue with the fewest running (then served least recently, then the
   * oldest), and of that queue its oldest ready unit. The queues are found by a loose scan of
   * work_unit_queue and counted from work_unit_running, so a claim costs a few index probes per
   * active queue, not a pass over every waiting unit.
   */
  private static final String CLAIM =
      """
      WITH RECURSIVE queues(queue) AS (
        (SELECT queue FROM work_unit WHERE status IN ('pending', 'running') ORDER BY queue LIMIT 1)
        UNION ALL
        SELECT (SELECT w.queue FROM work_unit w
                 WHERE w.status IN ('pending', 'running') AND w.queue > q.queue
                 ORDER BY w.queue LIMIT 1)
          FROM queues q WHERE q.queue IS NOT NULL),
      running AS (
        SELECT queue, count(*) AS n FROM work_unit
         WHERE status = 'running' AND lease_expires_at >= now() GROUP BY queue),
      load AS (
        SELECT q.queue, coalesce(r.n, 0) AS running, s.served_at,
               sum(coalesce(r.n, 0)) OVER (PARTITION BY s.submitted_by) AS user_running,
               max(s.served_at) OVER (PARTITION BY s.submitted_by) AS user_served_at
          FROM queues q LEFT JOIN running r ON r.queue = q.queue LEFT JOIN sweep s ON s.id = q.queue
         WHERE q.queue IS NOT NULL),
      next AS (
        SELECT f.queue, n.id
          FROM (SELECT queue FROM load
                 ORDER BY user_running, user_served_at NULLS FIRST, running, served_at NULLS FIRST, queue) f
         CROSS JOIN LATERAL (
          SELECT w.id FROM work_unit w
           WHERE w.queue = f.queue AND w.status IN ('pending', 'running')
             AND (w.status = 'pending' OR (w.lease_expires_at < now() AND w.attempts < w.max_attempts))
             AND NOT EXISTS (SELECT 1 FROM work_unit d WHERE d.id = ANY (w.depends_on) AND d.status <> 'done')
           ORDER BY w.queue, w.id
           LIMIT 1
           FOR UPDATE SKIP LOCKED) n
         LIMIT 1)
      UPDATE work_unit u
         SET status = 'running', attempts = u.attempts + 1, lease_owner = ?,
             lease_expires_at = now() + make_interval(secs => ?), started_at = now(), error = NULL
        FROM next
       WHERE u.id = next.id
      RETURNING u.id, u.kind, u.kernel_key, u.params::text, u.attempts, u.depends_on, next.queue
      """;

  /**
   * Outside the claim's statement, so that a claim never holds a unit while it waits for a sweep
   * row that a cancel holds while it waits for the unit.
   */
  private static final String SERVED = "UPDATE sweep SET served_at = now() WHERE id = ?";

  /**
   * A unit that waits on one that failed or was cancelled would wait forever: fail it now, with the
   * other's reason.
   */
  private static final String FAIL_ORPHANS =
      """
      UPDATE work_unit w
         SET status = 'failed', finished_at = now(),
             error = 'unit ' || d.id || ' (' || d.kind || '), which this one needs, is ' || d.status
                     || coalesce(': ' || d.error, '')
        FROM work_unit u CROSS JOIN LATERAL (
               SELECT d.id, d.kind, d.status, d.error FROM work_unit d
                WHERE d.id = ANY (u.depends_on) AND d.status IN ('failed', 'cancelled')
                ORDER BY d.id LIMIT 1) d
       WHERE u.status = 'pending' AND cardinality(u.depends_on) > 0 AND w.id = u.id
      """;

  private static final String INPUT_ARTIFACTS =
      """
      SELECT d.id, w.artifact FROM unnest(?::bigint[]) WITH ORDINALITY AS d(id, position)
        LEFT JOIN work_unit w ON w.id = d.id
       ORDER BY d.position
      """;

  private static final String EXPIRE_EXHAUSTED =
      """
      UPDATE work_unit
         SET status = 'failed', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL,
             error = 'lease expired on every one of its ' || attempts || ' attempts (worker lost or unit too slow for the lease)'
       WHERE status = 'running' AND lease_expires_at < now() AND attempts >= max_attempts
      """;

  private static final List<String> RESULT_COLUMNS =
      List.of(
          "unit_id",
          "row_key",
          "model",
          "dataset",
          "preprocess",
          "subset",
          "targets",
          "dataset_identity",
          "train_size",
          "test_size",
          "family",
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
          "diverged_at_step",
          "note",
          "train_seconds",
          "diag_reg",
          "t",
          "test_accuracy",
          "test_mse",
          "train_loss",
          "kernel_error",
          "test_variance",
          "artifact");

  private static final String UPSERT_RESULT =
      "INSERT INTO result ("
          + String.join(", ", RESULT_COLUMNS)
          + ") VALUES ("
          + String.join(", ", java.util.Collections.nCopies(RESULT_COLUMNS.size(), "?"))
          + ") ON CONFLICT (unit_id, row_key) DO UPDATE SET "
          + String.join(
              ", ",
              RESULT_COLUMNS.stream()
                  .filter(c -> !c.equals("unit_id") && !c.equals("row_key"))
                  .map(c -> c + " = EXCLUDED." + c)
                  .toList())
          + ", created_at = now()";

  private static final String UPSERT_CURVE =
      """
      INSERT INTO training_curve (unit_id, step, t, train_loss, train_accuracy, test_loss, test_accuracy)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (unit_id, step) DO UPDATE SET t = EXCLUDED.t, train_loss = EXCLUDED.train_loss,
        train_accuracy = EXCLUDED.train_accuracy, test_loss = EXCLUDED.test_loss,
        test_accuracy = EXCLUDED.test_accuracy
      """;

  private final Connection connection;

  private UnitStore(Connection connection) {
    this.connection = connection;
  }

  public static UnitStore connect(JobSettings settings) throws SQLException {
    Connection c =
        DriverManager.getConnection(
            settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
    c.setAutoCommit(true);
    return new UnitStore(c);
  }

  /**
   * Claims a pending unit, or one whose lease expired, for {@code owner}: fairly across users and
   * sweeps (see {@link #CLAIM}), the oldest first within a sweep. Units whose lease expired on
   * their last allowed attempt are marked failed first.
   */
  public Optional<WorkUnit> claim(String owner, int leaseSeconds) throws SQLException {
    try (PreparedStatement expire = connection.prepareStatement(EXPIRE_EXHAUSTED);
        PreparedStatement orphans = connection.prepareStatement(FAIL_ORPHANS)) {
      expire.executeUpdate();
      orphans.executeUpdate();
    }
    try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
      claim.setString(1, owner);
      claim.setInt(2, leaseSeconds);
      try (ResultSet rs = claim.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        WorkUnit unit =
            new WorkUnit(
                rs.getLong(1),
                UnitKind.parse(rs.getString(2)),
                rs.getString(3),
                rs.getString(4),
                rs.getInt(5),
                inputArtifacts(rs.getArray(6)));
        long sweep = rs.getLong(7);
        if (sweep != 0) {
          try (PreparedStatement served = connection.prepareStatement(SERVED)) {
            served.setLong(1, sweep);
            served.executeUpdate();
          }
        }
        return Optional.of(unit);
      }
    }
  }

  private List<String> inputArtifacts(java.sql.Array dependsOn) throws SQLException {
    Long[] ids = (Long[]) dependsOn.getArray();
    if (ids.length == 0) {
      return List.of();
    }
    List<String> artifacts = new java.util.ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(INPUT_ARTIFACTS)) {
      ps.setArray(1, dependsOn);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          artifacts.add(rs.getString(2));
        }
      }
    }
    return artifacts;
  }

  /**
   * Returns to the queue the units still leased to {@code owner}: called when a reader with that
   * name starts, so the units its failed predecessor held do not wait out their leases. The lost
   * attempt does not count.
   */
  public int releaseOwnedBy(String owner) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "UPDATE work_unit SET status = 'pending', attempts = greatest(attempts - 1, 0),"
                + " lease_owner = NULL, lease_expires_at = NULL"
                + " WHERE status = 'running' AND lease_owner = ?")) {
      ps.setString(1, owner);
      return ps.executeUpdate();
    }
  }

  /** Extends a running unit's lease by {@code leaseSeconds} from now. */
  public synchronized boolean renewLease(long unitId, int leaseSeconds) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "UPDATE work_unit SET lease_expires_at = now() + make_interval(secs => ?)"
                + " WHERE id = ? AND status = 'running'")) {
      ps.setInt(1, leaseSeconds);
      ps.setLong(2, unitId);
      return ps.executeUpdate() == 1;
    }
  }

  /** Units this owner claimed that have not finished yet. */
  public int inFlight(String owner) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT count(*) FROM work_unit WHERE status = 'running' AND lease_owner = ?")) {
      ps.setString(1, owner);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Whether any unit is still pending or running (a bounded job stops when none is). */
  public boolean anyUnfinished() throws SQLException {
    try (PreparedStatement ps =
            connection.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM work_unit WHERE status IN ('pending', 'running'))");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /**
   * Writes a unit's outcome in one transaction: on success its result rows (upserted by unit and
   * row key), its artifact (the units that depend on it read it from there) and status done; on
   * failure the reason, and status pending again if the failure was transient and attempts remain,
   * failed otherwise.
   */
  public void record(UnitOutcome outcome, String artifact) throws SQLException {
    connection.setAutoCommit(false);
    try {
      if (outcome.succeeded()) {
        try (PreparedStatement ps = connection.prepareStatement(UPSERT_RESULT)) {
          for (ResultRow row : outcome.rows()) {
            bindResult(ps, outcome.unitId(), row, artifact);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        if (!outcome.curve().isEmpty()) {
          try (PreparedStatement ps = connection.prepareStatement(UPSERT_CURVE)) {
            for (CurveRow point : outcome.curve()) {
              ps.setLong(1, outcome.unitId());
              ps.setLong(2, point.step());
              ps.setDouble(3, point.t());
              ps.setDouble(4, point.trainLoss());
              ps.setDouble(5, point.trainAccuracy());
              setDouble(ps, 6, point.testLoss());
              setDouble(ps, 7, point.testAccuracy());
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        try (PreparedStatement ps =
            connection.prepareStatement(
                """
                UPDATE work_unit SET status = 'done', finished_at = now(), error = NULL, compute_seconds = ?,
                       worker = ?, artifact = ?, lease_owner = NULL, lease_expires_at = NULL
                 WHERE id = ?
                """)) {
          ps.setDouble(1, outcome.computeSeconds());
          ps.setString(2, outcome.worker());
          ps.setString(3, artifact);
          ps.setLong(4, outcome.unitId());
          ps.executeUpdate();
        }
      } else {
        try (PreparedStatement ps =
            connection.prepareStatement(
                """
                UPDATE work_unit
                   SET status = CASE WHEN ? AND attempts < max_attempts THEN 'pending' ELSE 'failed' END,
                       finished_at = now(), error = ?, compute_seconds = ?, worker = ?,
                       lease_owner = NULL, lease_expires_at = NULL
                 WHERE id = ? AND status <> 'done'
                """)) {
          ps.setBoolean(1, outcome.retryable());
          ps.setString(2, outcome.error());
          ps.setDouble(3, outcome.computeSeconds());
          ps.setString(4, outcome.worker());
          ps.setLong(5, outcome.unitId());
          ps.executeUpdate();
        }
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static void bindResult(PreparedStatement ps, long unitId, ResultRow r, String artifact)
      throws SQLException {
    ResultRow.Training f = r.training();
    int i = 1;
    ps.setLong(i++, unitId);
    ps.setString(i++, r.rowKey());
    ps.setString(i++, r.model());
    ps.setString(i++, r.dataset().name());
    ps.setString(i++, r.dataset().preprocess());
    ps.setString(i++, r.dataset().subset());
    ps.setString(i++, r.dataset().targets());
    ps.setString(i++, r.dataset().identity());
    ps.setInt(i++, r.dataset().train());
    ps.setInt(i++, r.dataset().test());
    ps.setString(i++, r.architecture().family());
    ps.setString(i++, r.architecture().activation());
    ps.setInt(i++, r.architecture().depth());
    ps.setDouble(i++, r.architecture().wStd());
    ps.setDouble(i++, r.architecture().bStd());
    ps.setString(i++, r.architecture().parameterization());
    setInt(ps, i++, r.architecture().width());
    // Rows without a training run (kernels; empirical kernels keep a seed and a note) leave the
    // training columns empty rather than zero.
    ResultRow.Training trained = f != null && f.loss() != null ? f : null;
    ps.setString(i++, trained == null ? null : trained.loss());
    setDouble(ps, i++, trained == null ? null : trained.lr());
    setDouble(ps, i++, trained == null ? null : trained.momentum());
    setDouble(ps, i++, trained == null ? null : trained.weightDecay());
    ps.setString(i++, trained == null ? null : trained.weightDecayMode());
    if (trained == null) {
      ps.setNull(i++, Types.BOOLEAN);
    } else {
      ps.setBoolean(i++, trained.centred());
    }
    setInt(ps, i++, trained == null ? null : trained.epochs());
    if (trained == null) {
      ps.setNull(i++, Types.BIGINT);
    } else {
      ps.setLong(i++, trained.steps());
    }
    setInt(ps, i++, trained == null ? null : trained.batchSize());
    setInt(ps, i++, f == null ? null : f.seed());
    if (trained == null || trained.divergedAtStep() == null) {
      ps.setNull(i++, Types.BIGINT);
    } else {
      ps.setLong(i++, trained.divergedAtStep());
    }
    ps.setString(i++, f == null ? null : f.note());
    setDouble(ps, i++, trained == null ? null : trained.trainSeconds());
    setDouble(ps, i++, r.diagReg());
    setDouble(ps, i++, r.t());
    setDouble(ps, i++, r.testAccuracy());
    setDouble(ps, i++, r.testMse());
    setDouble(ps, i++, r.trainLoss());
    setDouble(ps, i++, r.kernelError());
    setDouble(ps, i++, r.testVariance());
    ps.setString(i, artifact);
  }

  private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }

  private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.DOUBLE);
    } else {
      ps.setDouble(index, value);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
