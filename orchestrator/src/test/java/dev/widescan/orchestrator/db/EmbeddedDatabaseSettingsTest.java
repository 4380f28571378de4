package dev.widescan.orchestrator.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The embedded database as the packaged service runs it (the prod profile, none of the tests' fast
 * settings): durable, password required, loopback only, no unix socket, binaries in a private
 * directory.
 */
@QuarkusTest
@TestProfile(EmbeddedDatabaseSettingsTest.Packaged.class)
class EmbeddedDatabaseSettingsTest {
  static final Path DATA_DIR = Path.of("target/test-postgres-packaged").toAbsolutePath();
  static final Path BIN_DIR = Path.of("target/test-postgres-bin").toAbsolutePath();

  /** The prod profile; only where things go and the HTTP port differ from a real start. */
  public static class Packaged implements QuarkusTestProfile {
    @Override
    public String getConfigProfile() {
      return "prod";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.http.port", "0",
          "quarkus.http.test-port", "0",
          "quarkus.test.flat-class-path", "true",
          "widescan.db.embedded.dir", DATA_DIR.toString(),
          "widescan.db.embedded.bin-dir", BIN_DIR.toString(),
          "widescan.db.embedded.fresh", "true",
          "widescan.artifact-dir", "target/test-artifacts",
          "widescan.flink.mode", "off");
    }
  }

  @Inject AgroalDataSource db;

  private static String url() {
    return ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
  }

  private String show(String setting) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + setting)) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  @Test
  void theServiceConnectionSeesPostgresDurableDefaults() throws SQLException {
    assertEquals("on", show("fsync"));
    assertEquals("on", show("synchronous_commit"));
    assertEquals("on", show("full_page_writes"));
    assertEquals("scram-sha-256", show("password_encryption"));
  }

  @Test
  void connectingWithoutThePasswordOrWithAWrongOneIsRefused() throws Exception {
    Properties none = new Properties();
    none.setProperty("user", "postgres");
    SQLException withoutPassword =
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url(), none).close());
    assertTrue(withoutPassword.getMessage().contains("password"), withoutPassword.getMessage());

    SQLException wrong =
        assertThrows(
            SQLException.class,
            () -> DriverManager.getConnection(url(), "postgres", "not-the-password").close());
    assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());

    String password =
        Files.readString(DATA_DIR.resolve(EmbeddedDatabase.PASSWORD_FILE), StandardCharsets.UTF_8);
    try (Connection c = DriverManager.getConnection(url(), "postgres", password)) {
      assertTrue(c.isValid(5));
    }
  }

  @Test
  void thePasswordFileAndTheDirectoriesAreOwnerOnly() throws Exception {
    Path file = DATA_DIR.resolve(EmbeddedDatabase.PASSWORD_FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(
        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA_DIR)));
    assertEquals(
        "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(BIN_DIR)));
    String hba = Files.readString(DATA_DIR.resolve("pg_hba.conf"), StandardCharsets.UTF_8);
    assertFalse(hba.contains("trust"), hba);
  }

  @Test
  void thePostmasterRunsFromThePrivateBinariesDirectory() {
    EmbeddedDatabase server = EmbeddedPostgresServer.current().orElseThrow();
    String command =
        ProcessHandle.of(server.postmasterPid()).orElseThrow().info().command().orElseThrow();
    assertTrue(command.startsWith(BIN_DIR.toString()), command);
  }

  @Test
  void theServerListensOnLoopbackOnlyAndHasNoUnixSocket() throws Exception {
    assertEquals("127.0.0.1", show("listen_addresses"));
    assertEquals("", show("unix_socket_directories"));
    int port = EmbeddedPostgresServer.current().orElseThrow().port();
    // The kernel's own list of listening TCP sockets: the postmaster's port is bound to
    // 127.0.0.1 (0100007F) and nothing else, in IPv4 or IPv6.
    List<String> bound = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if ("0A".equals(f[3]) && Integer.parseInt(local[1], 16) == port) {
          bound.add(local[0]);
        }
      }
    }
    assertEquals(List.of("0100007F"), bound);
  }
}
