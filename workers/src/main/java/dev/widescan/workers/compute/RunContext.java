package dev.widescan.workers.compute;

/** What every runner of a worker shares: its data sets, its artifact store and its name. */
record RunContext(DatasetCache datasets, ArtifactStore artifacts, String worker) {

  /** Seconds since {@code startNanos} ({@link System#nanoTime()}). */
  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
