package dev.widescan.workers.unit;

import java.io.Serializable;
import java.util.List;

/**
 * What computing a unit produced: result rows, a training curve (finite units), and the test-set
 * predictions as an Arrow IPC stream (see {@code dev.widescan.workers.arrow.PredictionsCodec}), or
 * the reason it failed and whether trying again could help.
 */
public record UnitOutcome(
    long unitId,
    int attempt,
    List<ResultRow> rows,
    List<CurveRow> curve,
    byte[] predictionsArrow,
    String error,
    boolean retryable,
    double computeSeconds,
    String worker)
    implements Serializable {

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
        predictionsArrow,
        null,
        false,
        seconds,
        worker);
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
