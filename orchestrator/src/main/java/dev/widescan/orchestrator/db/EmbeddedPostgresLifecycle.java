package dev.widescan.orchestrator.db;

import dev.widescan.orchestrator.sweep.SweepStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * Start and stop duties that exist only for the embedded database: it serves this JVM alone, so at
 * start-up every lease still held belongs to a previous run that died, and at shutdown the server
 * stops after Flink (whose shutdown observer runs first).
 */
@ApplicationScoped
public class EmbeddedPostgresLifecycle {
  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresLifecycle.class);
  private final SweepStore store;

  public EmbeddedPostgresLifecycle(SweepStore store) {
    this.store = store;
  }

  void releaseStaleLeases(@Observes @Priority(50) StartupEvent event) throws SQLException {
    if (EmbeddedPostgresServer.running().isPresent()) {
      int released = store.releaseAllLeases();
      if (released > 0) {
        LOG.infof("requeued %d unit(s) left running by a previous run", released);
      }
    }
  }

  void stopAfterEverythingElse(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent event) {
    if (EmbeddedPostgresServer.running().isPresent()) {
      EmbeddedPostgresServer.applicationStopped();
    }
  }
}
