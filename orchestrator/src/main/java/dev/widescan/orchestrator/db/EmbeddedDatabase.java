package dev.widescan.orchestrator.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One running embedded PostgreSQL (zonky's binaries) set up to keep what it is given and to serve
 * only its owner:
 *
 * <ul>
 *   <li>durable by default: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes}
 *       on (zonky starts the server with {@code -F} and {@code synchronous_commit=off}; the {@code
 *       -c} options given here come later on the command line and win). Tests may ask for the fast
 *       settings with {@code durable = false};
 *   <li>a random password, made on first start and kept owner-only in {@code
 *       DATA_DIR/widescan-password}, required of every connection ({@code scram-sha-256}); a data
 *       directory of an earlier release (pg_hba {@code trust}, no password file) is upgraded in
 *       place: the password is set in single-user mode and pg_hba.conf rewritten before the server
 *       listens;
 *   <li>TCP on 127.0.0.1 only, and no unix socket at all (zonky would put it in the shared {@code
 *       /tmp});
 *   <li>binaries unpacked under {@code binDir} (owner-only), not in zonky's {@code
 *       /tmp/embedded-pg} shared by every user of the machine.
 * </ul>
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

  /** The superuser initdb creates; the only role. */
  public static final String USER = "postgres";

  /** The owner-only file in the data directory that holds the password. */
  public static final String PASSWORD_FILE = "widescan-password";

  static final String HBA_MARKER = "# widescan: password (scram-sha-256) required, loopback only";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      PosixFilePermissions.fromString("rw-------");

  /**
   * Where and how to run.
   *
   * @param dataDir the cluster's data directory, kept across restarts
   * @param binDir where the PostgreSQL binaries are unpacked
   * @param port the TCP port; 0 picks a free one
   * @param fresh start from an empty data directory (tests)
   * @param durable PostgreSQL's durable defaults; false = fsync and synchronous commit off (tests)
   */
  public record Settings(Path dataDir, Path binDir, int port, boolean fresh, boolean durable) {
    public Settings {
      dataDir = dataDir.toAbsolutePath().normalize();
      binDir = binDir.toAbsolutePath().normalize();
    }

    Settings withPort(int newPort) {
      return new Settings(dataDir, binDir, newPort, false, durable);
    }
  }

  private final Settings settings;
  private final EmbeddedPostgres postgres;
  private final String password;
  private final long postmasterPid;

  private EmbeddedDatabase(
      Settings settings, EmbeddedPostgres postgres, String password, long postmasterPid) {
    this.settings = settings;
    this.postgres = postgres;
    this.password = password;
    this.postmasterPid = postmasterPid;
  }

  /** Starts the server, stopping first an orphaned postmaster that a killed JVM left behind. */
  public static EmbeddedDatabase start(Settings settings) {
    Path dataDir = settings.dataDir();
    try {
      createOwnerOnly(dataDir);
      createOwnerOnly(settings.binDir());
      stopOrphanedPostmaster(dataDir);
      if (settings.fresh()) {
        deleteContents(dataDir);
      }
      Files.setPosixFilePermissions(dataDir, OWNER_ONLY);
      Path passwordFile = dataDir.resolve(PASSWORD_FILE);
      boolean newPassword = !Files.exists(passwordFile);
      String password =
          newPassword ? randomPassword() : Files.readString(passwordFile, StandardCharsets.UTF_8);
      // zonky's builder scans its "working directory" (java.io.tmpdir/embedded-pg unless this
      // property says otherwise) for stale clusters even when given a data directory; keep it in
      // the private binaries directory too.
      System.setProperty("ot.epg.working-dir", settings.binDir().toString());
      LOG.infof(
          "starting embedded PostgreSQL with data in %s (%s)",
          dataDir, settings.durable() ? "durable" : "fsync off: for tests only");
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setOverrideWorkingDirectory(settings.binDir().toFile())
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setConnectConfig("password", password)
              .setServerConfig("max_connections", "100")
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("unix_socket_directories", "")
              .setServerConfig("password_encryption", "scram-sha-256")
              .setDataDirectoryCustomizer(
                  dir -> requirePassword(settings.binDir(), dir.toPath(), password, newPassword));
      if (settings.durable()) {
        builder
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("full_page_writes", "on");
      }
      if (settings.port() > 0) {
        builder.setPort(settings.port());
      }
      EmbeddedPostgres postgres = builder.start();
      // zonky makes its working directory world-writable; ours is private.
      Files.setPosixFilePermissions(settings.binDir(), OWNER_ONLY);
      return new EmbeddedDatabase(settings, postgres, password, readPostmasterPid(dataDir));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "embedded PostgreSQL failed to start in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  public String password() {
    return password;
  }

  public int port() {
    return postgres.getPort();
  }

  public Settings settings() {
    return settings;
  }

  /** The postmaster's process id, as its {@code postmaster.pid} said right after start. */
  public long postmasterPid() {
    return postmasterPid;
  }

  public boolean postmasterAlive() {
    return ProcessHandle.of(postmasterPid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }

  /**
   * The password every connection needs. On a new cluster (zonky's initdb trusts everyone) or on a
   * data directory of an earlier release, the postgres role gets the password in single-user mode,
   * before the server accepts any connection, and pg_hba.conf is rewritten to demand it.
   */
  private static void requirePassword(
      Path binDir, Path dataDir, String password, boolean newPassword) {
    try {
      Path hba = dataDir.resolve("pg_hba.conf");
      boolean hbaIsOurs =
          Files.exists(hba) && Files.readString(hba, StandardCharsets.UTF_8).contains(HBA_MARKER);
      if (newPassword) {
        if (Files.exists(dataDir.resolve("PG_VERSION")) && hbaIsOurs) {
          LOG.warn("the password file was missing; setting a new password");
        } else if (!hbaIsOurs) {
          LOG.infof("%s: setting a password and requiring it (was: trust)", dataDir);
        }
        setPasswordInSingleUserMode(binDir, dataDir, password);
        Path file = dataDir.resolve(PASSWORD_FILE);
        Files.deleteIfExists(file);
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
        } catch (FileAlreadyExistsException e) {
          Files.setPosixFilePermissions(file, OWNER_READ_WRITE);
        }
        Files.writeString(file, password, StandardCharsets.UTF_8);
      }
      if (!hbaIsOurs) {
        Files.writeString(
            hba,
            HBA_MARKER
                + "\n# The password is in "
                + PASSWORD_FILE
                + " (owner-only); unix sockets are off.\n"
                + "host    all  all  127.0.0.1/32  scram-sha-256\n"
                + "local   all  all                scram-sha-256\n",
            StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not require a password on the embedded PostgreSQL in " + dataDir, e);
    }
  }

  private static void setPasswordInSingleUserMode(Path binDir, Path dataDir, String password)
      throws IOException {
    Path postgresBinary = postgresBinary(binDir);
    List<String> command = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      // As zonky does: PostgreSQL refuses to run as root, so run it as root of a user namespace.
      command.addAll(List.of("unshare", "-U"));
    }
    command.addAll(
        List.of(
            postgresBinary.toString(),
            "--single",
            "-D",
            dataDir.toString(),
            "-c",
            "password_encryption=scram-sha-256",
            "-c",
            "unix_socket_directories=",
            USER));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream()
        .write(
            ("ALTER ROLE " + USER + " WITH PASSWORD '" + password + "';\n")
                .getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("postgres --single did not finish in 120 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while setting the password", e);
    }
    if (p.exitValue() != 0 || output.contains("ERROR")) {
      throw new IOException(
          "postgres --single could not set the password (exit " + p.exitValue() + "): " + output);
    }
  }

  /** zonky unpacks its archive into {@code binDir/PG-<md5 of the archive>/}. */
  private static Path postgresBinary(Path binDir) throws IOException {
    try (var dirs = Files.list(binDir)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("PG-"))
          .filter(d -> Files.exists(d.resolve(".exists")))
          .filter(d -> Files.isExecutable(d.resolve("bin/postgres")))
          .max(Comparator.comparing(d -> d.resolve(".exists").toFile().lastModified()))
          .map(d -> d.resolve("bin/postgres"))
          .orElseThrow(() -> new IOException("no unpacked PostgreSQL binaries in " + binDir));
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void createOwnerOnly(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, OWNER_ONLY);
    }
  }

  private static void deleteContents(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir)) {
          Files.delete(p);
        }
      }
    }
  }

  static long readPostmasterPid(Path dataDir) throws IOException {
    List<String> lines =
        Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.US_ASCII);
    return Long.parseLong(lines.get(0).trim());
  }

  /**
   * After a {@code kill -9} of the JVM the postmaster lives on and holds {@code postmaster.pid}; a
   * new server on the same directory would refuse to start. Stop that orphan first.
   */
  static void stopOrphanedPostmaster(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = readPostmasterPid(dataDir);
    } catch (RuntimeException e) {
      Files.deleteIfExists(pidFile);
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    boolean isPostgres =
        process.flatMap(p -> p.info().command()).map(c -> c.contains("postgres")).orElse(false);
    if (process.isPresent() && process.get().isAlive() && isPostgres) {
      LOG.warnf(
          "stopping an orphaned postmaster (pid %d) left on %s by an earlier run", pid, dataDir);
      process.get().destroy();
      try {
        process.get().onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        process.get().destroyForcibly();
      }
    }
    Files.deleteIfExists(pidFile);
  }
}
