package dev.widescan.workers.job;

import java.io.Serializable;

/**
 * How the unit job reaches Postgres and paces itself. It travels with the job graph to every task,
 * so it holds only plain values.
 *
 * @param jdbcUrl the team database, reachable from every TaskManager
 * @param leaseSeconds how long a claimed unit stays with its worker before anyone may claim it
 *     again
 * @param pollMillis how long a source waits before asking again when no unit is claimable
 * @param maxInFlightPerReader claimed-but-unfinished units one source subtask may hold, so that
 *     leases do not expire while units wait in Flink's buffers
 * @param bounded whether the job ends once no unit is pending or running (tests, batch runs)
 * @param dataDir a directory holding the datasets' files, or null for the default search path
 * @param artifactDir where predictions are written as Arrow IPC files
 */
public record JobSettings(
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    int leaseSeconds,
    long pollMillis,
    int maxInFlightPerReader,
    boolean bounded,
    String dataDir,
    String artifactDir)
    implements Serializable {

  public JobSettings {
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      throw new IllegalArgumentException("jdbcUrl is required");
    }
    if (leaseSeconds < 1) {
      throw new IllegalArgumentException("leaseSeconds must be >= 1, got " + leaseSeconds);
    }
    if (maxInFlightPerReader < 1) {
      throw new IllegalArgumentException(
          "maxInFlightPerReader must be >= 1, got " + maxInFlightPerReader);
    }
  }

  public JobSettings withBounded(boolean value) {
    return new JobSettings(
        jdbcUrl,
        jdbcUser,
        jdbcPassword,
        leaseSeconds,
        pollMillis,
        maxInFlightPerReader,
        value,
        dataDir,
        artifactDir);
  }
}
