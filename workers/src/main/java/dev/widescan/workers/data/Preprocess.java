package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How raw pixel values 0..255 become network inputs; each image (row) is treated on its own. */
public enum Preprocess {
  /** The raw values 0..255 as doubles. */
  NONE,
  /** x = p / 255, in [0, 1]. */
  SCALE,
  /**
   * x = p / 255, then per image x ← (x − μ) / σ with μ = (1/d)·Σ x_j and the population variance σ²
   * = (1/d)·Σ (x_j − μ)² over the image's own d pixels, so every image has mean 0 and variance 1
   * (neural-tangents' examples standardize the same way). A constant image becomes all zeros.
   */
  STANDARDIZE;

  /** Returns a new matrix; {@code raw} (rows = images, values 0..255) is not changed. */
  public Matrix apply(Matrix raw) {
    Matrix out = raw.copy();
    if (this == NONE) {
      return out;
    }
    double[] x = out.data();
    for (int i = 0; i < x.length; i++) {
      x[i] /= 255.0;
    }
    if (this == STANDARDIZE) {
      int d = out.cols();
      for (int r = 0; r < out.rows(); r++) {
        standardizeRow(x, r * d, d);
      }
    }
    return out;
  }

  private static void standardizeRow(double[] x, int off, int d) {
    double mean = 0;
    for (int j = 0; j < d; j++) {
      mean += x[off + j];
    }
    mean /= d;
    // two-pass variance: no cancellation, unlike E[x²] − μ²
    double var = 0;
    for (int j = 0; j < d; j++) {
      double c = x[off + j] - mean;
      var += c * c;
    }
    var /= d;
    double inv = var > 0 ? 1.0 / Math.sqrt(var) : 0.0;
    for (int j = 0; j < d; j++) {
      x[off + j] = (x[off + j] - mean) * inv;
    }
  }

  /** Parses {@code none}, {@code scale} or {@code standardize} (case-insensitive). */
  public static Preprocess parse(String name) {
    for (Preprocess p : values()) {
      if (p.name().equalsIgnoreCase(name.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown preprocessing '"
            + name
            + "', expected one of "
            + Arrays.stream(values()).map(Preprocess::id).collect(Collectors.joining(", ")));
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
