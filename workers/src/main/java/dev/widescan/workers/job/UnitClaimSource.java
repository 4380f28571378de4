package dev.widescan.workers.job;

import dev.widescan.workers.unit.WorkUnit;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A FLIP-27 source whose readers claim work units from Postgres. Postgres, not Flink, decides who
 * does what ({@code FOR UPDATE SKIP LOCKED} with leases), so there are no splits to assign: every
 * reader claims on its own, and a reader that dies simply lets its leases expire.
 */
public final class UnitClaimSource implements Source<WorkUnit, UnitClaimSource.NoSplit, Void> {
  private final JobSettings settings;

  public UnitClaimSource(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public Boundedness getBoundedness() {
    return settings.bounded() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SourceReader<WorkUnit, NoSplit> createReader(SourceReaderContext context) {
    return new UnitClaimReader(settings, context.getIndexOfSubtask());
  }

  @Override
  public SplitEnumerator<NoSplit, Void> createEnumerator(SplitEnumeratorContext<NoSplit> context) {
    return new IdleEnumerator();
  }

  @Override
  public SplitEnumerator<NoSplit, Void> restoreEnumerator(
      SplitEnumeratorContext<NoSplit> context, Void checkpoint) {
    return new IdleEnumerator();
  }

  @Override
  public SimpleVersionedSerializer<NoSplit> getSplitSerializer() {
    return new NothingSerializer<>();
  }

  @Override
  public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
    return new NothingSerializer<>();
  }

  /** The type of splits this source never has. */
  public static final class NoSplit implements SourceSplit {
    @Override
    public String splitId() {
      return "none";
    }
  }

  private static final class IdleEnumerator implements SplitEnumerator<NoSplit, Void> {
    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<NoSplit> splits, int subtaskId) {}

    @Override
    public void addReader(int subtaskId) {}

    @Override
    public Void snapshotState(long checkpointId) {
      return null;
    }

    @Override
    public void close() {}
  }

  private static final class NothingSerializer<T> implements SimpleVersionedSerializer<T> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(T value) {
      return new byte[0];
    }

    @Override
    public T deserialize(int version, byte[] serialized) {
      return null;
    }
  }
}
