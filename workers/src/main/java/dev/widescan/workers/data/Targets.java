package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;
import java.util.Locale;

/** How class labels become regression targets (rows = examples). */
public enum Targets {
  /** e_y: 1 in the label's column, 0 elsewhere; k columns. */
  ONE_HOT,
  /** e_y − 1/k: one-hot centred so every row sums to zero (as in Lee et al. 2020); k columns. */
  CENTRED,
  /** Two classes only, one column: −1 for class 0, +1 for class 1. */
  PLUS_MINUS_ONE;

  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses {@code one-hot}, {@code centred} (or {@code centered}), {@code plus-minus-one}/{@code
   * pm1}.
   */
  public static Targets parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    switch (t) {
      case "one-hot":
        return ONE_HOT;
      case "centred":
      case "centered":
        return CENTRED;
      case "plus-minus-one":
      case "pm1":
        return PLUS_MINUS_ONE;
      default:
        throw new IllegalArgumentException(
            "unknown targets '" + text + "', expected one-hot, centred or plus-minus-one");
    }
  }

  /** Columns of the target matrix for {@code classes} classes. */
  public int columns(int classes) {
    check(classes);
    return this == PLUS_MINUS_ONE ? 1 : classes;
  }

  /** Throws if this encoding can't represent {@code classes} classes. */
  public void check(int classes) {
    if (this == PLUS_MINUS_ONE && classes != 2) {
      throw new IllegalArgumentException(
          "targets plus-minus-one need exactly 2 classes, the data set has " + classes);
    }
  }

  /** The n × {@link #columns} target matrix of labels {@code y}. */
  public Matrix encode(int[] y, int classes) {
    int k = columns(classes);
    double[] t = new double[Math.multiplyExact(y.length, k)];
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= classes) {
        throw new IllegalArgumentException(
            "label " + i + " is " + y[i] + ", expected 0.." + (classes - 1));
      }
      if (this == PLUS_MINUS_ONE) {
        t[i] = y[i] == 1 ? 1 : -1;
        continue;
      }
      double off = this == CENTRED ? 1.0 / classes : 0.0;
      for (int c = 0; c < k; c++) {
        t[i * k + c] = (c == y[i] ? 1.0 : 0.0) - off;
      }
    }
    return new Matrix(y.length, k, t);
  }
}
