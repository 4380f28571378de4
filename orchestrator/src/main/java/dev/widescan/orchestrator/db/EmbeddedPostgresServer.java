package dev.widescan.orchestrator.db;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The one embedded PostgreSQL of this JVM: a real server whose data directory survives restarts.
 * Started lazily the first time the datasource URL is asked for, stopped by {@link #stop()} after
 * everything that uses it. A watchdog restarts the postmaster on the same port if it dies (a {@code
 * kill -9}, the OOM killer): PostgreSQL's crash recovery replays the write-ahead log, so every
 * committed unit is still there, and the pool and the Flink job reconnect.
 */
public final class EmbeddedPostgresServer {
  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);
  private static final CountDownLatch APPLICATION_STOPPED = new CountDownLatch(1);
  private static final long WATCH_MILLIS = 500;
  private static EmbeddedDatabase server;
  private static Thread watchdog;
  private static int restarts;

  private EmbeddedPostgresServer() {}

  /** The JDBC URL of the server, starting it on the first call. */
  public static synchronized String jdbcUrl(EmbeddedDatabase.Settings settings) {
    if (server == null) {
      server = EmbeddedDatabase.start(settings);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(EmbeddedPostgresServer::stopAfterApplication, "embedded-postgres-stop"));
      watchdog = new Thread(EmbeddedPostgresServer::watch, "embedded-postgres-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
    } else if (!settings.dataDir().equals(server.settings().dataDir())) {
      throw new IllegalStateException(
          "embedded Postgres already runs on "
              + server.settings().dataDir()
              + "; can't serve a second data directory "
              + settings.dataDir());
    }
    return server.jdbcUrl();
  }

  /** The password of the running server (read from its owner-only file at start). */
  public static synchronized String password() {
    if (server == null) {
      throw new IllegalStateException("the embedded PostgreSQL is not running");
    }
    return server.password();
  }

  public static synchronized Optional<Path> running() {
    return Optional.ofNullable(server).map(s -> s.settings().dataDir());
  }

  /** The running server, for the admin tasks and tests that need its process or settings. */
  public static synchronized Optional<EmbeddedDatabase> current() {
    return Optional.ofNullable(server);
  }

  /** How often the watchdog found the postmaster dead and started it again. */
  public static synchronized int restarts() {
    return restarts;
  }

  public static synchronized void stop() throws IOException {
    if (server != null) {
      LOG.infof("stopping embedded PostgreSQL (data in %s)", server.settings().dataDir());
      EmbeddedDatabase s = server;
      server = null;
      if (watchdog != null) {
        watchdog.interrupt();
        watchdog = null;
      }
      s.close();
    }
  }

  /** Called once the application has stopped everything that writes to the database. */
  public static void applicationStopped() {
    APPLICATION_STOPPED.countDown();
    stopQuietly();
  }

  private static void watch() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(WATCH_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (EmbeddedPostgresServer.class) {
        if (server == null || Thread.currentThread() != watchdog) {
          return;
        }
        if (!server.postmasterAlive()) {
          restartDeadPostmaster();
        }
      }
    }
  }

  /**
   * The old postmaster's children notice its death and exit; until the last one has, its shared
   * memory is in use and a new postmaster refuses to start, hence the retries. Same port, so the
   * JDBC URL everybody holds stays right.
   */
  private static void restartDeadPostmaster() {
    EmbeddedDatabase dead = server;
    LOG.warnf(
        "the embedded PostgreSQL's postmaster (pid %d) died; starting it again on port %d",
        dead.postmasterPid(), dead.port());
    try {
      dead.close();
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing the dead server: " + e.getMessage());
    }
    RuntimeException last = null;
    for (int attempt = 0; attempt < 60; attempt++) {
      try {
        server = EmbeddedDatabase.start(dead.settings().withPort(dead.port()));
        restarts++;
        LOG.infof("embedded PostgreSQL is back (pid %d)", server.postmasterPid());
        return;
      } catch (RuntimeException e) {
        last = e;
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    server = dead;
    LOG.error("could not restart the embedded PostgreSQL", last);
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
}
