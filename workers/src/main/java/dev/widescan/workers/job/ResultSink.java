package dev.widescan.workers.job;

import dev.widescan.workers.unit.UnitOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes each unit's outcome to Postgres (idempotent upsert by unit and row key) and its artifact
 * (predictions, or a kernel tile) to the artifact store as an Arrow IPC file named after the unit,
 * replaced atomically so a retry never leaves half a file.
 */
public final class ResultSink implements Sink<UnitOutcome> {
  private final JobSettings settings;

  public ResultSink(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public SinkWriter<UnitOutcome> createWriter(WriterInitContext context) throws IOException {
    try {
      return new Writer(UnitStore.connect(settings), Path.of(settings.artifactDir()));
    } catch (SQLException e) {
      throw new IOException(
          "result sink can't reach Postgres at " + settings.jdbcUrl() + ": " + e.getMessage(), e);
    }
  }

  private static final class Writer implements SinkWriter<UnitOutcome> {
    private final UnitStore store;
    private final Path artifactDir;

    Writer(UnitStore store, Path artifactDir) {
      this.store = store;
      this.artifactDir = artifactDir;
    }

    @Override
    public void write(UnitOutcome outcome, Context context) throws IOException {
      String artifact = null;
      if (outcome.succeeded() && outcome.artifact() != null) {
        artifact = writeArtifact(outcome).toString();
      }
      try {
        store.record(outcome, artifact);
      } catch (SQLException e) {
        throw new IOException(
            "could not record the outcome of unit " + outcome.unitId() + ": " + e.getMessage(), e);
      }
    }

    private Path writeArtifact(UnitOutcome outcome) throws IOException {
      Files.createDirectories(artifactDir);
      String name = "unit-" + outcome.unitId() + "-" + outcome.artifact().name();
      Path target = artifactDir.resolve(name + ".arrow");
      // Not Files.createTempFile, whose owner-only permissions would hide the file from workers and
      // an orchestrator running as other users on a shared volume; this one follows the umask.
      Path temp = artifactDir.resolve(name + "-" + UUID.randomUUID() + ".partial");
      Files.write(temp, outcome.artifact().arrow(), StandardOpenOption.CREATE_NEW);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target.toAbsolutePath();
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() throws Exception {
      store.close();
    }
  }
}
