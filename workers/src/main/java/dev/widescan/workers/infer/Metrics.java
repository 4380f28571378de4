package dev.widescan.workers.infer;

import dev.widescan.workers.linalg.Matrix;

/** Scores of predictions against labels or targets. */
public final class Metrics {
  private Metrics() {}

  /**
   * The fraction of rows whose largest entry (the first one on ties) is at the label's column.
   *
   * @param predictions examples × classes
   */
  public static double accuracy(Matrix predictions, int[] labels) {
    if (predictions.rows() != labels.length) {
      throw new IllegalArgumentException(
          predictions.shape() + " predictions for " + labels.length + " labels");
    }
    if (labels.length == 0 || predictions.cols() == 0) {
      throw new IllegalArgumentException(
          "accuracy of " + predictions.shape() + " predictions is undefined");
    }
    int c = predictions.cols();
    double[] p = predictions.data();
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int j = 1; j < c; j++) {
        if (p[i * c + j] > p[i * c + best]) {
          best = j;
        }
      }
      if (best == labels[i]) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  /**
   * Mean squared error over every entry: (1/(m·k)) Σᵢⱼ (fᵢⱼ − yᵢⱼ)². This is twice neural-tangents'
   * training loss ‖f − y‖²/(2·m·k), and k times the per-example squared distance averaged over
   * examples.
   */
  public static double mse(Matrix predictions, Matrix targets) {
    if (predictions.rows() != targets.rows() || predictions.cols() != targets.cols()) {
      throw new IllegalArgumentException(
          "predictions are " + predictions.shape() + " but targets are " + targets.shape());
    }
    double[] f = predictions.data();
    double[] y = targets.data();
    if (f.length == 0) {
      throw new IllegalArgumentException(
          "mse of empty " + predictions.shape() + " predictions is undefined");
    }
    double s = 0;
    for (int i = 0; i < f.length; i++) {
      double e = f[i] - y[i];
      s += e * e;
    }
    return s / f.length;
  }
}
