package dev.widescan.workers.finite;

import dev.widescan.workers.infer.Targets;
import dev.widescan.workers.linalg.Matrix;

/**
 * Inputs with their regression targets and, for classification, labels (accuracy is the fraction of
 * rows whose largest output is at the label).
 *
 * @param x inputs, n × d
 * @param y targets, n × k: one-hot minus a shift for {@link Loss#MSE} (0.1 for ten classes, as the
 *     kernels use), plain one-hot for {@link Loss#CROSS_ENTROPY}
 * @param labels class of each row (0..k−1), or null for pure regression (no accuracy)
 */
public record Examples(Matrix x, Matrix y, int[] labels) {
  public Examples {
    if (x == null || y == null) {
      throw new IllegalArgumentException("inputs and targets are required");
    }
    if (y.rows() != x.rows()) {
      throw new IllegalArgumentException(
          "inputs " + x.shape() + " and targets " + y.shape() + " have different row counts");
    }
    if (labels != null && labels.length != x.rows()) {
      throw new IllegalArgumentException(
          labels.length + " labels for " + x.rows() + " examples " + x.shape());
    }
  }

  /** Classification data: targets y_ic = [c = label_i] − shift ({@link Targets#oneHot}). */
  public static Examples classification(Matrix x, int[] labels, int classes, double shift) {
    return new Examples(x, Targets.oneHot(labels, classes, shift), labels);
  }

  public int size() {
    return x.rows();
  }

  /** The first {@code n} examples. */
  public Examples head(int n) {
    return new Examples(
        x.rowRange(0, n),
        y.rowRange(0, n),
        labels == null ? null : java.util.Arrays.copyOf(labels, n));
  }
}
