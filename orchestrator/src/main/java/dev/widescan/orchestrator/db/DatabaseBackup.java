package dev.widescan.orchestrator.db;

import dev.widescan.orchestrator.WidescanConfig;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Backup and restore of the whole database, and of the artifact store with it, as one zip file:
 * {@code manifest.properties} (format, schema version, tables in foreign-key order with their
 * columns, sequence values), {@code tables/NAME.copy} (PostgreSQL's own {@code COPY} text format,
 * read in one repeatable-read snapshot) and {@code artifacts/FILE}.
 *
 * <p>It goes through the service's own JDBC connection rather than pg_dump: the embedded binaries
 * ship only initdb, pg_ctl and postgres, and the same code then serves an external database, of any
 * server version, without a client installed.
 *
 * <p>A restore is atomic for everyone else: the backup is loaded into a staging schema made by the
 * migrations up to the backup's version, migrated to the newest version there (so a backup of an
 * older release is upgraded as a live database would be), and swapped for {@code public} in one
 * transaction, refused while units compute (their results would land in the restored tables).
 */
@ApplicationScoped
public class DatabaseBackup {
  private static final Logger LOG = Logger.getLogger(DatabaseBackup.class);
  static final String FORMAT = "widescan-backup-1";
  static final String STAGING = "widescan_restore";
  private static final String HISTORY = "flyway_schema_history";

  private final AgroalDataSource db;
  private final Flyway flyway;
  private final Path artifactDir;

  public DatabaseBackup(AgroalDataSource db, Flyway flyway, WidescanConfig config) {
    this.db = db;
    this.flyway = flyway;
    this.artifactDir = Path.of(config.artifactDir()).toAbsolutePath();
  }

  /** What a restore brought back. */
  public record Restored(String schemaVersion, Map<String, Long> rows, int artifacts) {}

  /** Thrown when the database is busy and a restore would lose work. */
  public static final class BusyException extends IllegalStateException {
    public BusyException(String message) {
      super(message);
    }
  }

  /** Writes the backup to {@code out}; artifacts too unless {@code withArtifacts} is false. */
  public void backup(OutputStream out, boolean withArtifacts) throws SQLException, IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        String schema = c.getSchema();
        List<String> tables = tablesInForeignKeyOrder(c, schema);
        Properties manifest = new Properties();
        manifest.setProperty("format", FORMAT);
        manifest.setProperty("created_at", Instant.now().toString());
        manifest.setProperty("schema_version", schemaVersion(c, schema));
        manifest.setProperty("tables", String.join(",", tables));
        for (String table : tables) {
          manifest.setProperty("columns." + table, String.join(",", columns(c, schema, table)));
        }
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT sequencename, last_value FROM pg_sequences"
                        + " WHERE schemaname = current_schema() AND last_value IS NOT NULL")) {
          while (rs.next()) {
            manifest.setProperty("sequence." + rs.getString(1), rs.getString(2));
          }
        }
        zip.putNextEntry(new ZipEntry("manifest.properties"));
        manifest.store(zip, "widescan backup");
        zip.closeEntry();
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        for (String table : tables) {
          zip.putNextEntry(new ZipEntry("tables/" + table + ".copy"));
          copy.copyOut(
              "COPY " + quote(table) + " (" + quotedColumns(manifest, table) + ") TO STDOUT",
              new FilterOutputStream(zip) {
                @Override
                public void close() {}
              });
          zip.closeEntry();
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
    if (withArtifacts && Files.isDirectory(artifactDir)) {
      try (var files = Files.walk(artifactDir)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          zip.putNextEntry(
              new ZipEntry("artifacts/" + artifactDir.relativize(f).toString().replace('\\', '/')));
          Files.copy(f, zip);
          zip.closeEntry();
        }
      }
    }
    zip.finish();
    zip.flush();
  }

  /** Restores a backup written by {@link #backup}; see the class comment for how. */
  public Restored restore(Path file) throws SQLException, IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Properties manifest = new Properties();
      ZipEntry entry = zip.getEntry("manifest.properties");
      if (entry == null) {
        throw new IllegalArgumentException(
            "not a widescan backup: no manifest.properties in " + file.getFileName());
      }
      try (InputStream in = zip.getInputStream(entry)) {
        manifest.load(in);
      }
      if (!FORMAT.equals(manifest.getProperty("format"))) {
        throw new IllegalArgumentException(
            "backup format is '" + manifest.getProperty("format") + "'; expected " + FORMAT);
      }
      String version = manifest.getProperty("schema_version");
      MigrationVersion newest = flyway.info().current().getVersion();
      if (MigrationVersion.fromVersion(version).compareTo(newest) > 0) {
        throw new IllegalArgumentException(
            "the backup's schema is version "
                + version
                + ", newer than this release's "
                + newest
                + "; restore it with that release or a newer one");
      }
      Map<String, Long> rows = new LinkedHashMap<>();
      try (Connection c = db.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + STAGING + " CASCADE");
      }
      staging(version).migrate();
      try (Connection c = db.getConnection()) {
        c.setAutoCommit(false);
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        for (String table : manifest.getProperty("tables", "").split(",")) {
          if (table.isBlank()) {
            continue;
          }
          ZipEntry data = zip.getEntry("tables/" + table + ".copy");
          if (data == null) {
            throw new IllegalArgumentException("the backup lacks tables/" + table + ".copy");
          }
          try (InputStream in = zip.getInputStream(data)) {
            rows.put(
                table,
                copy.copyIn(
                    "COPY "
                        + STAGING
                        + "."
                        + quote(table)
                        + " ("
                        + quotedColumns(manifest, table)
                        + ") FROM STDIN",
                    in));
          }
        }
        for (String key : manifest.stringPropertyNames()) {
          if (key.startsWith("sequence.")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT setval(?::regclass, ?)")) {
              ps.setString(1, STAGING + "." + quote(key.substring("sequence.".length())));
              ps.setLong(2, Long.parseLong(manifest.getProperty(key)));
              ps.execute();
            }
          }
        }
        c.commit();
      }
      staging(null).migrate();
      try (Connection c = db.getConnection();
          Statement s = c.createStatement()) {
        // Nobody computes the restored database's running units any more.
        s.executeUpdate(
            "UPDATE "
                + STAGING
                + ".work_unit SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL"
                + " WHERE status = 'running'");
      }
      int artifacts = restoreArtifacts(zip);
      swapIn();
      LOG.infof(
          "restored a backup of schema version %s (%s rows, %d artifacts) from %s",
          version, rows, artifacts, file);
      return new Restored(version, rows, artifacts);
    } finally {
      try (Connection c = db.getConnection();
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + STAGING + " CASCADE");
      }
    }
  }

  private Flyway staging(String target) {
    var configure =
        Flyway.configure()
            .configuration(flyway.getConfiguration())
            .schemas(STAGING)
            .defaultSchema(STAGING)
            .createSchemas(true);
    return (target == null ? configure.target(MigrationVersion.LATEST) : configure.target(target))
        .load();
  }

  /** In one transaction: refuse while units compute, then the staging schema becomes public. */
  private void swapIn() throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("LOCK TABLE public.work_unit IN ACCESS EXCLUSIVE MODE");
        try (ResultSet rs =
            s.executeQuery("SELECT count(*) FROM public.work_unit WHERE status = 'running'")) {
          rs.next();
          long running = rs.getLong(1);
          if (running > 0) {
            c.rollback();
            throw new BusyException(
                running
                    + " unit(s) are computing; cancel their sweeps (or wait until they finish) and"
                    + " restore again");
          }
        }
        s.execute("DROP SCHEMA public CASCADE");
        s.execute("ALTER SCHEMA " + STAGING + " RENAME TO public");
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private int restoreArtifacts(ZipFile zip) throws IOException {
    int n = 0;
    Files.createDirectories(artifactDir);
    for (ZipEntry e : zip.stream().toList()) {
      if (e.isDirectory() || !e.getName().startsWith("artifacts/")) {
        continue;
      }
      Path target = artifactDir.resolve(e.getName().substring("artifacts/".length())).normalize();
      if (!target.startsWith(artifactDir)) {
        throw new IllegalArgumentException(
            "the backup's entry " + e.getName() + " leaves " + artifactDir);
      }
      Files.createDirectories(target.getParent());
      try (InputStream in = zip.getInputStream(e)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
      n++;
    }
    return n;
  }

  private static String schemaVersion(Connection c, String schema) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM "
                    + quote(schema)
                    + "."
                    + HISTORY
                    + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
      if (!rs.next()) {
        throw new SQLException("no migration recorded in " + schema + "." + HISTORY);
      }
      return rs.getString(1);
    }
  }

  /** The schema's tables, each after the tables its foreign keys point to. */
  static List<String> tablesInForeignKeyOrder(Connection c, String schema) throws SQLException {
    Map<String, Set<String>> references = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT tablename FROM pg_tables WHERE schemaname = ? AND tablename <> ? ORDER BY 1")) {
      ps.setString(1, schema);
      ps.setString(2, HISTORY);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          references.put(rs.getString(1), new LinkedHashSet<>());
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT f.relname, t.relname FROM pg_constraint k"
                + " JOIN pg_class f ON f.oid = k.conrelid JOIN pg_class t ON t.oid = k.confrelid"
                + " JOIN pg_namespace n ON n.oid = f.relnamespace"
                + " WHERE k.contype = 'f' AND n.nspname = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (references.containsKey(rs.getString(1)) && !rs.getString(1).equals(rs.getString(2))) {
            references.get(rs.getString(1)).add(rs.getString(2));
          }
        }
      }
    }
    List<String> ordered = new ArrayList<>();
    while (ordered.size() < references.size()) {
      boolean progress = false;
      for (var e : references.entrySet()) {
        if (!ordered.contains(e.getKey()) && ordered.containsAll(e.getValue())) {
          ordered.add(e.getKey());
          progress = true;
        }
      }
      if (!progress) {
        throw new SQLException("foreign keys form a cycle among " + references.keySet());
      }
    }
    return ordered;
  }

  private static List<String> columns(Connection c, String schema, String table)
      throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static String quotedColumns(Properties manifest, String table) {
    String columns = manifest.getProperty("columns." + table);
    if (columns == null || columns.isBlank()) {
      throw new IllegalArgumentException("the backup's manifest lists no columns for " + table);
    }
    return String.join(
        ",", List.of(columns.split(",")).stream().map(DatabaseBackup::quote).toList());
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
