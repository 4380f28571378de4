package dev.widescan.workers.unit;

import java.io.Serializable;
import java.util.List;

/**
 * What computing a unit produced: result rows, a training curve (finite units), and an artifact
 * (the test-set predictions, see {@code dev.widescan.workers.arrow.PredictionsCodec}, or a kernel
 * tile), or the reason it failed and whether trying again could help.
 */
public record UnitOutcome(
    long unitId,
    int attempt,
    List<ResultRow> rows,
    List<CurveRow> curve,
    Artifact artifact,
    String error,
    boolean retryable,
    double computeSeconds,
    String worker)
    implements Serializable {

  /**
   * An Arrow IPC stream the unit leaves in the artifact store, as {@code unit-<id>-<name>.arrow}.
   */
  public record Artifact(String name, byte[] arrow) implements Serializable {
    public static Artifact predictions(byte[] arrow) {
      return arrow == null ? null : new Artifact("predictions", arrow);
    }

    public static Artifact kernelTile(byte[] arrow) {
      return new Artifact("kernel-tile", arrow);
    }
  }

  public static UnitOutcome success(
      WorkUnit unit, List<ResultRow> rows, byte[] predictionsArrow, double seconds, String worker) {
    return success(unit, rows, List.of(), predictionsArrow, seconds, worker);
  }

  public static UnitOutcome success(
      WorkUnit unit,
      List<ResultRow> rows,
      List<CurveRow> curve,
      byte[] predictionsArrow,
      double seconds,
      String worker) {
    return new UnitOutcome(
        unit.id(),
        unit.attempt(),
        List.copyOf(rows),
        List.copyOf(curve),
        Artifact.predictions(predictionsArrow),
        null,
        false,
        seconds,
        worker);
  }

  /** A unit whose only product is its artifact (a kernel tile): no rows, no curve. */
  public static UnitOutcome success(
      WorkUnit unit, Artifact artifact, double seconds, String worker) {
    return new UnitOutcome(
        unit.id(), unit.attempt(), List.of(), List.of(), artifact, null, false, seconds, worker);
  }

  public static UnitOutcome failure(
      WorkUnit unit, String error, boolean retryable, double seconds, String worker) {
    return new UnitOutcome(
        unit.id(), unit.attempt(), List.of(), List.of(), null, error, retryable, seconds, worker);
  }

  public boolean succeeded() {
    return error == null;
  }
}
