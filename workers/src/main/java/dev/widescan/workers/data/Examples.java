package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;

/**
 * Raw examples of one split as read from a source, rows = examples; nothing is copied.
 *
 * @param x inputs, raw values (0..255 for byte images)
 * @param y labels in [0, classes)
 */
record Examples(Matrix x, int[] y) {
  Examples {
    if (x.rows() != y.length) {
      throw new IllegalArgumentException(x.shape() + " inputs with " + y.length + " labels");
    }
  }

  /** The examples at {@code indices}, in that order, as new arrays. */
  Examples select(int[] indices) {
    int d = x.cols();
    double[] out = new double[Math.multiplyExact(indices.length, d)];
    int[] labels = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(x.data(), indices[i] * d, out, i * d, d);
      labels[i] = y[indices[i]];
    }
    return new Examples(new Matrix(indices.length, d, out), labels);
  }
}
