package dev.widescan.workers.job;

import dev.widescan.workers.compute.UnitExecutor;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each unit on this worker's CPU; a unit that fails becomes a failed outcome, never a job
 * failure. While a unit computes, its lease is renewed every third of the lease, so a unit that
 * takes longer than one lease (a large kernel) is not claimed a second time by another worker.
 */
public final class ComputeUnits extends RichMapFunction<WorkUnit, UnitOutcome> {
  private static final Logger LOG = LoggerFactory.getLogger(ComputeUnits.class);
  private final JobSettings settings;
  private transient UnitExecutor executor;
  private transient UnitStore leases;
  private transient ScheduledExecutorService renewer;

  public ComputeUnits(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) throws SQLException {
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    Blas.setThreads(Runtime.getRuntime().availableProcessors() / parallelism);
    executor =
        new UnitExecutor(
            DatasetRegistry.forPath(settings.dataDir()),
            UnitClaimReader.workerName() + "/compute-" + subtask);
    leases = UnitStore.connect(settings);
    renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "widescan-lease-renewal-" + subtask);
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public UnitOutcome map(WorkUnit unit) {
    long every = Math.max(1, settings.leaseSeconds() / 3);
    ScheduledFuture<?> renewal =
        renewer.scheduleAtFixedRate(() -> renew(unit), every, every, TimeUnit.SECONDS);
    try {
      return executor.run(unit);
    } finally {
      renewal.cancel(false);
    }
  }

  private void renew(WorkUnit unit) {
    try {
      leases.renewLease(unit.id(), settings.leaseSeconds());
    } catch (SQLException e) {
      // The next renewal tries again; if all fail, the lease expires and the unit is claimed anew.
      LOG.warn("could not renew the lease of unit {}: {}", unit.id(), e.getMessage());
    }
  }

  @Override
  public void close() throws Exception {
    if (renewer != null) {
      renewer.shutdownNow();
    }
    if (leases != null) {
      leases.close();
    }
  }
}
