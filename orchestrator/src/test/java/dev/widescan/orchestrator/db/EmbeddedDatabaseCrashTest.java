package dev.widescan.orchestrator.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Crashes below the service: the postmaster killed with {@code kill -9}, and a JVM killed while its
 * postmaster lives on. Either way the next start finds every committed row.
 */
class EmbeddedDatabaseCrashTest {
  private static final Path BIN = Path.of("target/test-postgres-bin");

  private static EmbeddedDatabase.Settings settings(String dir, boolean fresh) {
    return new EmbeddedDatabase.Settings(Path.of("target", dir), BIN, 0, fresh, true);
  }

  @Test
  void everyCommittedRowSurvivesAKillDashNineOfThePostmaster() throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(settings("test-postgres-crash", true))) {
      try (Connection c = connect(db);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE finished (unit BIGINT PRIMARY KEY)");
        for (int i = 0; i < 200; i++) {
          s.execute("INSERT INTO finished VALUES (" + i + ")");
        }
      }
      ProcessHandle postmaster = ProcessHandle.of(db.postmasterPid()).orElseThrow();
      assertTrue(postmaster.destroyForcibly());
      postmaster.onExit().get(30, TimeUnit.SECONDS);
      assertFalse(db.postmasterAlive());
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(settings("test-postgres-crash", false))) {
      assertEquals(200L, count(db, "SELECT count(*) FROM finished"));
      assertEquals(List.of("on", "on"), List.of(show(db, "fsync"), show(db, "synchronous_commit")));
    }
  }

  @Test
  void aPostmasterOrphanedByAKilledJvmIsStoppedAtTheNextStart() throws Exception {
    Process jvm =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                EmbeddedDatabaseCrashTest.class.getName(),
                Path.of("target", "test-postgres-orphan").toAbsolutePath().toString(),
                BIN.toAbsolutePath().toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    long orphan;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("ready "));
      assertTrue(line != null, "the child JVM started its database");
      orphan = Long.parseLong(line.substring("ready ".length()));
      jvm.destroyForcibly();
      jvm.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false));

    try (EmbeddedDatabase db = EmbeddedDatabase.start(settings("test-postgres-orphan", false))) {
      assertFalse(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false));
      assertEquals(50L, count(db, "SELECT count(*) FROM finished"));
    }
  }

  /** The child JVM of {@link #aPostmasterOrphanedByAKilledJvmIsStoppedAtTheNextStart}. */
  public static void main(String[] args) throws Exception {
    EmbeddedDatabase db =
        EmbeddedDatabase.start(
            new EmbeddedDatabase.Settings(Path.of(args[0]), Path.of(args[1]), 0, true, true));
    try (Connection c = connect(db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE finished (unit BIGINT PRIMARY KEY)");
      for (int i = 0; i < 50; i++) {
        s.execute("INSERT INTO finished VALUES (" + i + ")");
      }
    }
    System.out.println("ready " + db.postmasterPid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  private static Connection connect(EmbeddedDatabase db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), EmbeddedDatabase.USER, db.password());
  }

  private static long count(EmbeddedDatabase db, String sql) throws SQLException {
    try (Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String show(EmbeddedDatabase db, String setting) throws SQLException {
    try (Connection c = connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
