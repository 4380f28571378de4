package dev.widescan.workers.job;

import dev.widescan.workers.unit.WorkUnit;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;

/**
 * Claims one unit per poll. When nothing is claimable, or this reader already holds as many
 * unfinished units as it may, it reports nothing available and wakes itself after the poll
 * interval, so an idle job costs one small query per interval.
 */
final class UnitClaimReader implements SourceReader<WorkUnit, UnitClaimSource.NoSplit> {
  private final JobSettings settings;
  private final String owner;
  private UnitStore store;
  private ScheduledExecutorService timer;
  private CompletableFuture<Void> available = CompletableFuture.completedFuture(null);

  UnitClaimReader(JobSettings settings, int subtask) {
    this.settings = settings;
    // Stable across restarts of the job in this JVM, so a restarted reader can take back what its
    // predecessor held (see start()).
    this.owner = workerName() + "/source-" + subtask;
  }

  static String workerName() {
    return ManagementFactory.getRuntimeMXBean().getName();
  }

  @Override
  public void start() {
    try {
      store = UnitStore.connect(settings);
      store.releaseOwnedBy(owner);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(
          "source can't reach Postgres at " + settings.jdbcUrl() + ": " + e.getMessage(), e);
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "widescan-claim-timer");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public InputStatus pollNext(ReaderOutput<WorkUnit> output) throws Exception {
    long wait;
    if (store.inFlight(owner) < settings.maxInFlightPerReader()) {
      Optional<WorkUnit> unit = store.claim(owner, settings.leaseSeconds());
      if (unit.isPresent()) {
        output.collect(unit.get());
        return InputStatus.MORE_AVAILABLE;
      }
      if (settings.bounded() && !store.anyUnfinished()) {
        return InputStatus.END_OF_INPUT;
      }
      wait = settings.pollMillis();
    } else {
      // Work is waiting and the workers are busy: look again soon, since short units finish in
      // milliseconds and a full poll interval would idle the workers.
      wait = Math.min(settings.pollMillis(), BUSY_POLL_MILLIS);
    }
    CompletableFuture<Void> wake = new CompletableFuture<>();
    available = wake;
    timer.schedule(() -> wake.complete(null), wait, TimeUnit.MILLISECONDS);
    return InputStatus.NOTHING_AVAILABLE;
  }

  private static final long BUSY_POLL_MILLIS = 10;

  @Override
  public List<UnitClaimSource.NoSplit> snapshotState(long checkpointId) {
    return List.of();
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    return available;
  }

  @Override
  public void addSplits(List<UnitClaimSource.NoSplit> splits) {}

  @Override
  public void notifyNoMoreSplits() {}

  @Override
  public void close() throws Exception {
    if (timer != null) {
      timer.shutdownNow();
    }
    if (store != null) {
      store.close();
    }
  }
}
