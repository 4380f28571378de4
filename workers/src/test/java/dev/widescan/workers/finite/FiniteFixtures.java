package dev.widescan.workers.finite;

import dev.widescan.workers.linalg.Matrix;
import java.util.Random;

/** Small deterministic inputs for the finite-network tests. */
final class FiniteFixtures {
  private FiniteFixtures() {}

  /** Rows of i.i.d. N(0, 1) entries, each rescaled to squared norm d (so K₀ = x·x/d = 1). */
  static Matrix sphere(int rows, int d, long seed) {
    Random r = new Random(seed);
    Matrix m = Matrix.zeros(rows, d);
    double[] v = m.data();
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        v[i * d + j] = r.nextGaussian();
        s += v[i * d + j] * v[i * d + j];
      }
      double f = Math.sqrt(d / s);
      for (int j = 0; j < d; j++) {
        v[i * d + j] *= f;
      }
    }
    return m;
  }

  static int[] labels(int rows, int classes, long seed) {
    Random r = new Random(seed);
    int[] l = new int[rows];
    for (int i = 0; i < rows; i++) {
      l[i] = r.nextInt(classes);
    }
    return l;
  }

  /** ‖a − b‖_F / ‖b‖_F. */
  static double relativeError(Matrix a, Matrix b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < b.data().length; i++) {
      double e = a.data()[i] - b.data()[i];
      num += e * e;
      den += b.data()[i] * b.data()[i];
    }
    return Math.sqrt(num / den);
  }
}
