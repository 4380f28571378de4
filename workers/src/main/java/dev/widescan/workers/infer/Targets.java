package dev.widescan.workers.infer;

import dev.widescan.workers.linalg.Matrix;

/** Regression targets for classification. */
public final class Targets {
  private Targets() {}

  /**
   * One-hot targets minus a constant: y_ic = [c = label_i] − shift. A shift of 1/classes (0.1 for
   * ten classes) centres them, as in Lee et al. 2018 ("Deep Neural Networks as Gaussian
   * Processes"); 0 gives plain one-hot.
   *
   * @return labels.length × classes
   * @throws IllegalArgumentException if a label is outside 0..classes−1
   */
  public static Matrix oneHot(int[] labels, int classes, double shift) {
    if (classes <= 0) {
      throw new IllegalArgumentException("need at least one class, got " + classes);
    }
    Matrix y = Matrix.zeros(labels.length, classes);
    double[] d = y.data();
    java.util.Arrays.fill(d, -shift);
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of example " + i + " is outside 0.." + (classes - 1));
      }
      d[i * classes + labels[i]] += 1.0;
    }
    return y;
  }
}
