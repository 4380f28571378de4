package dev.widescan.workers.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.unit.ArchitectureSpec;
import dev.widescan.workers.unit.DatasetSpec;
import dev.widescan.workers.unit.ResultRow;
import dev.widescan.workers.unit.UnitKind;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claims, leases and idempotent results against a real PostgreSQL with the project's schema. */
class UnitStoreTest {
  private static EmbeddedPostgres postgres;
  private static JobSettings settings;
  private UnitStore store;

  @BeforeAll
  static void startPostgres() throws IOException, SQLException {
    postgres = EmbeddedPostgres.builder().start();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        Stream<Path> files = Files.list(Path.of("../migrations"))) {
      for (Path migration : files.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
        s.execute(Files.readString(migration));
      }
    }
    settings =
        new JobSettings(
            postgres.getJdbcUrl("postgres", "postgres"),
            "postgres",
            "postgres",
            60,
            50,
            2,
            true,
            null,
            "target");
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    postgres.close();
  }

  @BeforeEach
  void connect() throws SQLException {
    sql("TRUNCATE result, sweep_unit, work_unit, sweep RESTART IDENTITY CASCADE");
    store = UnitStore.connect(settings);
  }

  @AfterEach
  void close() throws SQLException {
    store.close();
  }

  @Test
  void claimsOldestPendingUnitOnceAndSkipsWhatOthersHold() throws SQLException {
    insertUnits(3);
    WorkUnit first = store.claim("worker-a", 60).orElseThrow();
    WorkUnit second = store.claim("worker-b", 60).orElseThrow();
    assertEquals(1, first.id());
    assertEquals(2, second.id());
    assertEquals(1, first.attempt());
    assertEquals(UnitKind.KERNEL, first.kind());
    assertEquals("{\"unit\": 1}", first.paramsJson());
    assertEquals(1, store.inFlight("worker-a"));
    assertEquals(3, store.claim("worker-a", 60).orElseThrow().id());
    assertEquals(Optional.empty(), store.claim("worker-c", 60));
    assertEquals(2, store.inFlight("worker-a"));
  }

  @Test
  void claimsAUnitAgainWhenItsLeaseExpired() throws SQLException {
    insertUnits(1);
    store.claim("lost-worker", 60).orElseThrow();
    assertEquals(Optional.empty(), store.claim("worker-b", 60));
    sql("UPDATE work_unit SET lease_expires_at = now() - interval '1 second'");
    WorkUnit again = store.claim("worker-b", 60).orElseThrow();
    assertEquals(1, again.id());
    assertEquals(2, again.attempt());
    assertEquals("worker-b", text("SELECT lease_owner FROM work_unit WHERE id = 1"));
  }

  @Test
  void aRestartedReaderTakesBackWhatItsPredecessorHeld() throws SQLException {
    insertUnits(2);
    store.claim("host/source-0", 60).orElseThrow();
    store.claim("host/source-1", 60).orElseThrow();
    assertEquals(1, store.releaseOwnedBy("host/source-0"));
    assertEquals("pending", text("SELECT status FROM work_unit WHERE id = 1"));
    assertEquals("0", text("SELECT attempts FROM work_unit WHERE id = 1"));
    assertEquals("running", text("SELECT status FROM work_unit WHERE id = 2"));
    assertEquals(1, store.claim("host/source-0", 60).orElseThrow().id());
  }

  @Test
  void aRenewedLeaseKeepsOthersFromClaimingTheUnit() throws SQLException {
    insertUnits(1);
    store.claim("slow-worker", 60).orElseThrow();
    sql("UPDATE work_unit SET lease_expires_at = now() + interval '1 second'");
    assertTrue(store.renewLease(1, 600));
    assertEquals(
        "t", text("SELECT lease_expires_at > now() + interval '500 seconds' FROM work_unit"));
    sql("SELECT pg_sleep(1.2)");
    assertEquals(Optional.empty(), store.claim("worker-b", 60));
    assertEquals(1, store.inFlight("slow-worker"));
    sql("UPDATE work_unit SET status = 'done'");
    assertTrue(!store.renewLease(1, 600), "a finished unit has no lease to renew");
  }

  @Test
  void failsAUnitWhoseLeaseExpiredOnEveryAttempt() throws SQLException {
    insertUnits(1);
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertEquals(attempt, store.claim("worker-" + attempt, 60).orElseThrow().attempt());
      sql("UPDATE work_unit SET lease_expires_at = now() - interval '1 second'");
    }
    assertEquals(Optional.empty(), store.claim("worker-4", 60));
    assertEquals("failed", text("SELECT status FROM work_unit WHERE id = 1"));
    assertTrue(
        text("SELECT error FROM work_unit WHERE id = 1")
            .contains("lease expired on every one of its 3 attempts"));
    assertTrue(!store.anyUnfinished());
  }

  @Test
  void recordingTheSameOutcomeTwiceLeavesOneRowPerModel() throws SQLException {
    insertUnits(1);
    WorkUnit unit = store.claim("w", 60).orElseThrow();
    UnitOutcome outcome =
        UnitOutcome.success(unit, List.of(row("ntk/a", 0.8), row("ntk/b", 0.7)), null, 1.5, "w");
    store.record(outcome, "/tmp/a.arrow");
    store.record(
        UnitOutcome.success(unit, List.of(row("ntk/a", 0.81), row("ntk/b", 0.7)), null, 1.5, "w"),
        null);
    assertEquals("2", text("SELECT count(*) FROM result"));
    assertEquals("0.81", text("SELECT test_accuracy FROM result WHERE row_key = 'ntk/a'"));
    assertEquals("done", text("SELECT status FROM work_unit WHERE id = 1"));
    assertEquals("0", text("SELECT count(*) FROM work_unit WHERE lease_owner IS NOT NULL"));
    assertEquals("1.5", text("SELECT compute_seconds FROM work_unit WHERE id = 1"));
  }

  @Test
  void requeuesTransientFailuresAndFailsDeterministicOnesWithTheirReason() throws SQLException {
    insertUnits(2);
    WorkUnit transientFailure = store.claim("w", 60).orElseThrow();
    WorkUnit permanentFailure = store.claim("w", 60).orElseThrow();
    store.record(
        UnitOutcome.failure(transientFailure, "OutOfMemoryError: Java heap space", true, 0.1, "w"),
        null);
    store.record(
        UnitOutcome.failure(
            permanentFailure,
            "kernel not positive definite: min eigenvalue -3e-2",
            false,
            0.1,
            "w"),
        null);
    assertEquals("pending", text("SELECT status FROM work_unit WHERE id = 1"));
    assertEquals("failed", text("SELECT status FROM work_unit WHERE id = 2"));
    assertEquals(
        "kernel not positive definite: min eigenvalue -3e-2",
        text("SELECT error FROM work_unit WHERE id = 2"));
    WorkUnit retried = store.claim("w", 60).orElseThrow();
    assertEquals(1, retried.id());
    assertEquals(2, retried.attempt());
    assertEquals(Optional.empty(), store.claim("w", 60));
  }

  @Test
  void aUnitWithoutRowsRecordsItsArtifactForTheUnitsThatNeedItInTheirOrder() throws SQLException {
    insertUnits(2, UnitKind.KERNEL_TILE);
    sql(
        "INSERT INTO work_unit (content_hash, kind, kernel_key, params, depends_on)"
            + " VALUES ('kernel', 'kernel', 'k', '{}', '{2, 1}')");
    for (String artifact : List.of("/a/tile-1.arrow", "/a/tile-2.arrow")) {
      WorkUnit tile = store.claim("w", 60).orElseThrow();
      assertEquals(UnitKind.KERNEL_TILE, tile.kind());
      store.record(
          UnitOutcome.success(tile, new UnitOutcome.Artifact("kernel-tile", new byte[0]), 1, "w"),
          artifact);
    }
    WorkUnit kernel = store.claim("w", 60).orElseThrow();
    assertEquals(3, kernel.id());
    assertEquals(List.of("/a/tile-2.arrow", "/a/tile-1.arrow"), kernel.inputArtifacts());
    assertEquals("0", text("SELECT count(*) FROM result"));
  }

  @Test
  void aFailingTileFailsTheKernelThatNeedsItWithItsReason() throws SQLException {
    insertUnits(1, UnitKind.KERNEL_TILE);
    sql(
        "INSERT INTO work_unit (content_hash, kind, kernel_key, params, depends_on)"
            + " VALUES ('kernel', 'kernel', 'k', '{}', '{1}')");
    WorkUnit tile = store.claim("w", 60).orElseThrow();
    assertEquals(Optional.empty(), store.claim("w", 60), "the kernel waits for its tile");
    store.record(UnitOutcome.failure(tile, "NaN in the NNGP", false, 0.1, "w"), null);
    assertEquals(Optional.empty(), store.claim("w", 60));
    assertEquals("failed", text("SELECT status FROM work_unit WHERE id = 2"));
    assertEquals(
        "unit 1 (kernel_tile), which this one needs, is failed: NaN in the NNGP",
        text("SELECT error FROM work_unit WHERE id = 2"));
  }

  @Test
  void aSmallSweepBehindALargeOneIsClaimedBeforeTheLargeOneGoesOn() throws SQLException {
    long large = insertSweep("alice", 136);
    // Two readers holding two units each, as the embedded job does.
    List<Long> claimed = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      claimed.add(store.claim("reader-" + (i % 2), 60).orElseThrow().id());
    }
    long small = insertSweep("bob", 2);
    // Each reader finishes a unit and claims the next, as long as units are left.
    for (int i = 0; claimed.size() < 138; i++) {
      WorkUnit finished = unitById(claimed.get(i));
      store.record(UnitOutcome.failure(finished, "stub", false, 0, "w"), null);
      claimed.add(store.claim("reader-" + (i % 2), 60).orElseThrow().id());
    }
    List<Long> smallUnits = unitsOf(small);
    assertEquals(List.of(5L, 6L), positions(claimed, smallUnits), "claim order " + claimed);
    assertEquals(136, unitsOf(large).size());
    assertEquals(
        "t",
        text(
            "SELECT max(u.started_at) FILTER (WHERE su.sweep_id = "
                + small
                + ") < min(u.started_at) FILTER (WHERE su.sweep_id = "
                + large
                + " AND u.id > 4)"
                + " FROM work_unit u JOIN sweep_unit su ON su.unit_id = u.id"),
        "the small sweep's units started before the fifth unit of the large one");
  }

  @Test
  void claimsAlternateBetweenUsersThenBetweenTheirSweeps() throws SQLException {
    long a = insertSweep("alice", 10);
    long b = insertSweep("alice", 10);
    long c = insertSweep("carol", 10);
    List<Long> sweeps = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      long unit = store.claim("w", 60).orElseThrow().id();
      sweeps.add(Long.parseLong(text("SELECT sweep_id FROM sweep_unit WHERE unit_id = " + unit)));
    }
    // Running units never finish here: each claim goes to the user, then the sweep, with the
    // fewest running.
    assertEquals(List.of(a, c, b, c, a, c, b, c), sweeps);
  }

  @Test
  void unitsThatFinishAtOnceStillAlternateBetweenSweepsLeastRecentlyServedFirst()
      throws SQLException {
    long a = insertSweep("alice", 5);
    long b = insertSweep("alice", 3);
    List<Long> sweeps = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      WorkUnit unit = store.claim("w", 60).orElseThrow();
      store.record(UnitOutcome.failure(unit, "stub", false, 0, "w"), null);
      sweeps.add(
          Long.parseLong(text("SELECT sweep_id FROM sweep_unit WHERE unit_id = " + unit.id())));
    }
    assertEquals(List.of(a, b, a, b, a, b, a, a), sweeps);
  }

  @Test
  void aSweepWhoseUnitsWaitOnOthersDoesNotHoldBackTheRest() throws SQLException {
    long waiting = insertSweep("alice", 0);
    sql(
        "INSERT INTO work_unit (content_hash, kind, kernel_key, params, status, queue)"
            + " VALUES ('member', 'finite', 'k', '{}', 'running', "
            + waiting
            + ")");
    sql(
        "INSERT INTO work_unit (content_hash, kind, kernel_key, params, depends_on, queue)"
            + " VALUES ('ensemble', 'ensemble', 'k', '{}', '{1}', "
            + waiting
            + ")");
    sql("INSERT INTO sweep_unit VALUES (" + waiting + ", 1), (" + waiting + ", 2)");
    long other = insertSweep("alice", 1);
    assertEquals(3, store.claim("w", 60).orElseThrow().id());
    assertEquals(Optional.empty(), store.claim("w", 60));
    assertEquals(List.of(3L), unitsOf(other));
  }

  private static List<Long> positions(List<Long> order, List<Long> units) {
    return units.stream().map(u -> (long) order.indexOf(u) + 1).toList();
  }

  private WorkUnit unitById(long id) {
    return new WorkUnit(id, UnitKind.KERNEL, "k", "{}", 1, List.of());
  }

  /** A sweep of {@code units} new kernel units; returns its id. */
  private static long insertSweep(String user, int units) throws SQLException {
    long sweep =
        Long.parseLong(
            text(
                "INSERT INTO sweep (name, spec, submitted_by, code_version) VALUES ('s', '{}', '"
                    + user
                    + "', 'test') RETURNING id"));
    for (int i = 0; i < units; i++) {
      sql(
          "WITH u AS (INSERT INTO work_unit (content_hash, kind, kernel_key, params, queue)"
              + " VALUES (gen_random_uuid()::text, 'kernel', 'k', '{}', "
              + sweep
              + ") RETURNING id)"
              + " INSERT INTO sweep_unit SELECT "
              + sweep
              + ", id FROM u");
    }
    return sweep;
  }

  private static List<Long> unitsOf(long sweep) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT unit_id FROM sweep_unit WHERE sweep_id = " + sweep + " ORDER BY unit_id")) {
      List<Long> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
      return out;
    }
  }

  private static ResultRow row(String key, double accuracy) {
    return new ResultRow(
        key,
        "ntk",
        new DatasetSpec("fashion-mnist", 10, 10, "standardize", "first", "centred", "abc"),
        new ArchitectureSpec("fc", "relu", 1, 1.5, 0.1, "ntk", null),
        null,
        1e-4,
        Double.POSITIVE_INFINITY,
        accuracy,
        0.05,
        null);
  }

  private static void insertUnits(int count) throws SQLException {
    insertUnits(count, UnitKind.KERNEL);
  }

  private static void insertUnits(int count, UnitKind kind) throws SQLException {
    for (int i = 1; i <= count; i++) {
      sql(
          "INSERT INTO work_unit (content_hash, kind, kernel_key, params) VALUES ('"
              + kind.id()
              + i
              + "', '"
              + kind.id()
              + "', 'k', '{\"unit\": "
              + i
              + "}')");
    }
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static String text(String query) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
