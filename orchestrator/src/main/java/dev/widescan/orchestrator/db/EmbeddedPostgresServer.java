package dev.widescan.orchestrator.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The one embedded PostgreSQL of this JVM: a real server whose data directory survives restarts.
 * Started lazily the first time the datasource URL is asked for, stopped by {@link #stop()} after
 * everything that uses it.
 */
public final class EmbeddedPostgresServer {
  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);
  private static final CountDownLatch APPLICATION_STOPPED = new CountDownLatch(1);
  private static EmbeddedPostgres server;
  private static Path dataDirectory;

  private EmbeddedPostgresServer() {}

  /** The JDBC URL of the server, starting it on the first call. */
  public static synchronized String jdbcUrl(Path dataDir, int port, boolean fresh) {
    if (server == null) {
      server = start(dataDir, port, fresh);
      dataDirectory = dataDir;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(EmbeddedPostgresServer::stopAfterApplication, "embedded-postgres-stop"));
    } else if (!dataDir.equals(dataDirectory)) {
      throw new IllegalStateException(
          "embedded Postgres already runs on "
              + dataDirectory
              + "; can't serve a second data directory "
              + dataDir);
    }
    return server.getJdbcUrl("postgres", "postgres");
  }

  public static synchronized Optional<Path> running() {
    return Optional.ofNullable(server).map(s -> dataDirectory);
  }

  public static synchronized void stop() throws IOException {
    if (server != null) {
      LOG.infof("stopping embedded PostgreSQL (data in %s)", dataDirectory);
      server.close();
      server = null;
    }
  }

  /** Called once the application has stopped everything that writes to the database. */
  public static void applicationStopped() {
    APPLICATION_STOPPED.countDown();
    stopQuietly();
  }

  /**
   * The JVM runs shutdown hooks concurrently: Quarkus' hook stops Flink and the pool while this one
   * runs, so wait for the application (bounded) before pulling the database from under it.
   */
  private static void stopAfterApplication() {
    try {
      APPLICATION_STOPPED.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopQuietly();
  }

  private static void stopQuietly() {
    try {
      stop();
    } catch (IOException | RuntimeException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
    }
  }

  private static EmbeddedPostgres start(Path dataDir, int port, boolean fresh) {
    try {
      Files.createDirectories(dataDir);
      stopOrphanedPostmaster(dataDir);
      if (fresh) {
        deleteContents(dataDir);
      }
      LOG.infof("starting embedded PostgreSQL with data in %s", dataDir);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "100")
              .setServerConfig("listen_addresses", "127.0.0.1");
      if (port > 0) {
        builder.setPort(port);
      }
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "embedded PostgreSQL failed to start in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  private static void deleteContents(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir)) {
          Files.delete(p);
        }
      }
    }
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
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
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
