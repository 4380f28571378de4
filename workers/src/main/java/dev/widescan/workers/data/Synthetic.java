package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * Synthetic data sets, fully determined by their parameters and seed. A name reads {@code
 * kind:key=value,...}; missing keys take their defaults and {@link #canonicalName()} lists every
 * key in alphabetical order, so that equal data has one name.
 *
 * <ul>
 *   <li>{@code teacher} (keys {@code d}=32, {@code classes}=10, {@code hidden}=64, {@code seed}=0):
 *       inputs x ~ N(0, I_d); the label is argmax_c of a random one-hidden-layer ReLU teacher f(x)
 *       = relu(x·W₁)·W₂ with W₁ (d × hidden) and W₂ (hidden × classes) entries N(0,1)/√d and
 *       N(0,1)/√hidden.
 *   <li>{@code gaussian-mixture} (keys {@code d}=32, {@code separation}=2.0, {@code sigma}=1.0,
 *       {@code seed}=0): two classes with equal probability; x = (2y−1)·(separation/2)·u + σ·z with
 *       u a random unit vector (fixed by the seed) and z ~ N(0, I_d), so the class means are {@code
 *       separation} apart.
 * </ul>
 *
 * <p>Every number is drawn with {@link java.util.Random} (whose Gaussian algorithm Java specifies
 * exactly), the teacher's weights from one stream and each split's examples from another; example i
 * of a split is the same whatever the requested count, so smaller sets are prefixes of larger.
 * Inputs are already real-valued: use preprocessing {@code none} (or a fitted one), not {@code
 * scale}.
 */
public final class Synthetic {
  public static final String TEACHER = "teacher";
  public static final String MIXTURE = "gaussian-mixture";

  private final String kind;
  private final int d;
  private final int classes;
  private final int hidden;
  private final double separation;
  private final double sigma;
  private final long seed;

  private Synthetic(
      String kind, int d, int classes, int hidden, double separation, double sigma, long seed) {
    this.kind = kind;
    this.d = d;
    this.classes = classes;
    this.hidden = hidden;
    this.separation = separation;
    this.sigma = sigma;
    this.seed = seed;
  }

  /**
   * The generator a name stands for, or empty if the name isn't synthetic.
   *
   * @throws IllegalArgumentException for an unknown key or a bad value
   */
  public static Optional<Synthetic> parse(String name) {
    String trimmed = name.trim();
    int colon = trimmed.indexOf(':');
    String kind = (colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase(Locale.ROOT);
    if (!kind.equals(TEACHER) && !kind.equals(MIXTURE)) {
      return Optional.empty();
    }
    Map<String, String> params = new TreeMap<>();
    if (colon >= 0 && colon < trimmed.length() - 1) {
      for (String kv : trimmed.substring(colon + 1).split(",")) {
        String[] p = kv.split("=", 2);
        if (p.length != 2) {
          throw new IllegalArgumentException(
              "synthetic data set '" + name + "': expected key=value, got '" + kv + "'");
        }
        params.put(p[0].trim().toLowerCase(Locale.ROOT), p[1].trim());
      }
    }
    boolean teacher = kind.equals(TEACHER);
    java.util.List<String> allowed =
        teacher
            ? java.util.List.of("classes", "d", "hidden", "seed")
            : java.util.List.of("d", "seed", "separation", "sigma");
    for (String k : params.keySet()) {
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(
            "synthetic data set '"
                + name
                + "': unknown key '"
                + k
                + "', expected "
                + String.join(", ", allowed));
      }
    }
    int d = positiveInt(name, params, "d", 32);
    long seed = longValue(name, params, "seed", 0);
    if (teacher) {
      int classes = positiveInt(name, params, "classes", 10);
      if (classes < 2) {
        throw new IllegalArgumentException(
            "synthetic data set '" + name + "': classes must be at least 2, got " + classes);
      }
      return Optional.of(
          new Synthetic(kind, d, classes, positiveInt(name, params, "hidden", 64), 0, 0, seed));
    }
    double separation = doubleValue(name, params, "separation", 2.0);
    double sigma = doubleValue(name, params, "sigma", 1.0);
    if (!(separation >= 0) || !(sigma > 0) || Double.isInfinite(separation + sigma)) {
      throw new IllegalArgumentException(
          "synthetic data set '"
              + name
              + "': expected separation >= 0 and sigma > 0, got "
              + separation
              + " and "
              + sigma);
    }
    return Optional.of(new Synthetic(kind, d, 2, 0, separation, sigma, seed));
  }

  /** The name with every parameter, keys in alphabetical order. */
  public String canonicalName() {
    if (kind.equals(TEACHER)) {
      return TEACHER + ":classes=" + classes + ",d=" + d + ",hidden=" + hidden + ",seed=" + seed;
    }
    return MIXTURE + ":d=" + d + ",seed=" + seed + ",separation=" + separation + ",sigma=" + sigma;
  }

  public int features() {
    return d;
  }

  public int classes() {
    return classes;
  }

  /** The first {@code n} examples of {@code split}. */
  Examples generate(Split split, int n) {
    Random rng = new Random(mix(seed, split == Split.TRAIN ? 0x7261696EL : 0x74657374L));
    double[] x = new double[Math.multiplyExact(n, d)];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    Matrix inputs = new Matrix(n, d, x);
    int[] y = new int[n];
    if (kind.equals(TEACHER)) {
      teacherLabels(inputs, y);
    } else {
      double[] u = direction();
      Random labels = new Random(mix(seed, split == Split.TRAIN ? 0x6C74L : 0x6C65L));
      for (int i = 0; i < n; i++) {
        y[i] = labels.nextBoolean() ? 1 : 0;
        double s = (2 * y[i] - 1) * separation / 2;
        for (int j = 0; j < d; j++) {
          x[i * d + j] = s * u[j] + sigma * x[i * d + j];
        }
      }
    }
    return new Examples(inputs, y);
  }

  private void teacherLabels(Matrix x, int[] y) {
    Random rng = new Random(mix(seed, 0x7465616368L));
    double[] w1 = new double[d * hidden];
    for (int i = 0; i < w1.length; i++) {
      w1[i] = rng.nextGaussian() / Math.sqrt(d);
    }
    double[] w2 = new double[hidden * classes];
    for (int i = 0; i < w2.length; i++) {
      w2[i] = rng.nextGaussian() / Math.sqrt(hidden);
    }
    // plain loops, not BLAS: the labels must not depend on a library's summation order
    double[] h = new double[hidden];
    double[] xs = x.data();
    for (int r = 0; r < y.length; r++) {
      java.util.Arrays.fill(h, 0);
      for (int j = 0; j < d; j++) {
        double v = xs[r * d + j];
        for (int k = 0; k < hidden; k++) {
          h[k] += v * w1[j * hidden + k];
        }
      }
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double score = 0;
        for (int k = 0; k < hidden; k++) {
          score += Math.max(h[k], 0) * w2[k * classes + c];
        }
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      y[r] = best;
    }
  }

  private double[] direction() {
    Random rng = new Random(mix(seed, 0x6D65616EL));
    double[] u = new double[d];
    double norm = 0;
    for (int j = 0; j < d; j++) {
      u[j] = rng.nextGaussian();
      norm += u[j] * u[j];
    }
    norm = Math.sqrt(norm);
    for (int j = 0; j < d; j++) {
      u[j] /= norm;
    }
    return u;
  }

  /** SplitMix64 finalizer of seed and a stream tag: independent streams from one user seed. */
  static long mix(long seed, long tag) {
    long z = seed * 0x9E3779B97F4A7C15L + tag;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static int positiveInt(String name, Map<String, String> p, String key, int def) {
    long v = longValue(name, p, key, def);
    if (v < 1 || v > 1_000_000) {
      throw new IllegalArgumentException(
          "synthetic data set '" + name + "': " + key + " must be in 1..1000000, got " + v);
    }
    return (int) v;
  }

  private static long longValue(String name, Map<String, String> p, String key, long def) {
    String v = p.get(key);
    try {
      return v == null ? def : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "synthetic data set '" + name + "': " + key + " must be an integer, got '" + v + "'");
    }
  }

  private static double doubleValue(String name, Map<String, String> p, String key, double def) {
    String v = p.get(key);
    try {
      return v == null ? def : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "synthetic data set '" + name + "': " + key + " must be a number, got '" + v + "'");
    }
  }
}
