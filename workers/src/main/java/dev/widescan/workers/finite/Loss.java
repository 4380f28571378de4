package dev.widescan.workers.finite;

import java.util.Locale;

/**
 * Training losses on a batch of B rows and k outputs, with the normalizations of neural-tangents
 * ({@code nt.predict} for MSE; the batch mean of softmax cross-entropy), so that a learning rate
 * means the same thing here as there.
 */
public enum Loss {
  /**
   * L = Σ_{i,c} (f_ic − y_ic)² / (2·B·k), ∂L/∂f = (f − y)/(B·k). Under this normalization, t/η
   * full-batch gradient-descent steps at learning rate η follow the NTK gradient flow at time t
   * that {@code KernelRegression.ntk} computes.
   */
  MSE,
  /**
   * Softmax cross-entropy averaged over the batch: L = −(1/B) Σ_i Σ_c y_ic·log softmax(f_i)_c,
   * ∂L/∂f_i = (s_i·softmax(f_i) − y_i)/B with s_i = Σ_c y_ic (1 for one-hot targets, which is what
   * this loss expects: {@code Targets.oneHot(labels, k, 0)}). The log-sum-exp subtracts the row
   * maximum, so large logits give a large finite loss rather than NaN.
   */
  CROSS_ENTROPY;

  /**
   * The loss of outputs {@code f} against targets {@code y} (both B × k, row-major) and, when
   * {@code gradient} is not null, ∂L/∂f written into it.
   *
   * @param offset subtracted from f before the loss (the initial function f₀ when training the
   *     centred network f − f₀), or null
   */
  double evaluate(double[] f, double[] offset, double[] y, int rows, int k, double[] gradient) {
    if (rows == 0) {
      return 0.0;
    }
    return switch (this) {
      case MSE -> mse(f, offset, y, rows, k, gradient);
      case CROSS_ENTROPY -> crossEntropy(f, offset, y, rows, k, gradient);
    };
  }

  private static double mse(
      double[] f, double[] offset, double[] y, int rows, int k, double[] gradient) {
    double norm = 1.0 / ((double) rows * k);
    double s = 0;
    for (int i = 0; i < rows * k; i++) {
      double r = f[i] - (offset == null ? 0.0 : offset[i]) - y[i];
      s += r * r;
      if (gradient != null) {
        gradient[i] = r * norm;
      }
    }
    return s * norm / 2.0;
  }

  private static double crossEntropy(
      double[] f, double[] offset, double[] y, int rows, int k, double[] gradient) {
    double total = 0;
    double[] logits = new double[k];
    for (int r = 0; r < rows; r++) {
      int o = r * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        logits[c] = f[o + c] - (offset == null ? 0.0 : offset[o + c]);
        max = Math.max(max, logits[c]);
      }
      double sumExp = 0;
      for (int c = 0; c < k; c++) {
        sumExp += Math.exp(logits[c] - max);
      }
      double logZ = max + Math.log(sumExp);
      double mass = 0;
      for (int c = 0; c < k; c++) {
        double t = y[o + c];
        mass += t;
        if (t != 0) {
          total -= t * (logits[c] - logZ);
        }
      }
      if (gradient != null) {
        for (int c = 0; c < k; c++) {
          gradient[o + c] = (mass * Math.exp(logits[c] - logZ) - y[o + c]) / rows;
        }
      }
    }
    return total / rows;
  }

  /**
   * Parses {@code mse} or {@code cross_entropy} (case-insensitive; {@code -} works for {@code _}).
   */
  public static Loss parse(String name) {
    for (Loss l : values()) {
      if (l.name().equalsIgnoreCase(name.replace('-', '_'))) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "unknown loss '" + name + "', expected mse or cross_entropy");
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
