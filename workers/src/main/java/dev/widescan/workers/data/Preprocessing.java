package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.linalg.SymmetricEigen;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How raw inputs become network inputs, with its parameters; {@link #id()} is the canonical text
 * recorded with every result ({@code standardize}, {@code zca:eps=0.1}, …).
 *
 * <ul>
 *   <li>{@code none}: raw values.
 *   <li>{@code scale}: x = p / 255.
 *   <li>{@code standardize} (the default): per example, as {@link Preprocess#STANDARDIZE}: zero
 *       mean and unit population variance over the example's own features.
 *   <li>{@code feature-standardize}: x = p / 255, then per feature j, x_j ← (x_j − μ_j)/σ_j with
 *       μ_j and population σ_j over the <em>training subset only</em>, applied to training and test
 *       inputs alike; a feature constant on the training subset (σ_j = 0) becomes 0.
 *   <li>{@code zca:eps=ε}: regularized ZCA whitening as in Lee et al. 2020 ("Finite Versus Infinite
 *       Neural Networks: an Empirical Study", NeurIPS), fitted on the training subset only and
 *       applied to both. Each example is first standardized (as {@code standardize}; the reference
 *       code's "layer norm" divides by the norm instead of σ, which differs by the constant √d and
 *       leaves the whitened output unchanged, since W(cX) = W(X)/c). With X̃ the n×d standardized
 *       training inputs: Σ = X̃ᵀX̃/n (second moments; features are <em>not</em> centred, as in the
 *       reference), λ = ε·tr(Σ)/d (ε relative to the mean eigenvalue of Σ), and Σ + λI = V diag(s)
 *       Vᵀ; W = V diag(m) Vᵀ with m_i = s_i^(−1/2), except that when n &lt; d the d − n smallest
 *       s_i get m_i = 1 (the reference's "rank control": directions the training set doesn't span
 *       are left alone, not amplified by 1/√λ). Outputs are X̃·W for training and test inputs. On
 *       the training subset (1/n)·(X̃W)ᵀ(X̃W) = V diag(σ_i/(σ_i+λ)) Vᵀ for the eigenvalues σ_i of
 *       Σ: the identity on every direction with σ_i ≫ λ. The formula follows the public reference
 *       code used with the paper's kernels, {@code _get_whitening_transform(x_train,
 *       layer_norm=True, zca_reg=ε, zca_reg_absolute_scale=False)} (as in ntk-activations' CIFAR
 *       example, Han et al. 2022), whose SVD of the symmetric Σ + λI is this eigendecomposition.
 * </ul>
 *
 * @param kind which transformation
 * @param zcaStrength ε for {@link Kind#ZCA}, 0 otherwise
 */
public record Preprocessing(Kind kind, double zcaStrength) {
  /** ε of {@code zca} when the spec gives none. */
  public static final double DEFAULT_ZCA_STRENGTH = 0.1;

  public static final Preprocessing DEFAULT = new Preprocessing(Kind.STANDARDIZE, 0);

  public enum Kind {
    NONE,
    SCALE,
    STANDARDIZE,
    FEATURE_STANDARDIZE,
    ZCA;

    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether statistics are fitted on the training subset. */
    public boolean fitted() {
      return this == FEATURE_STANDARDIZE || this == ZCA;
    }
  }

  public Preprocessing {
    if (kind == Kind.ZCA) {
      if (!(zcaStrength > 0) || Double.isInfinite(zcaStrength)) {
        throw new IllegalArgumentException(
            "zca strength eps must be positive and finite, got " + zcaStrength);
      }
    } else if (zcaStrength != 0) {
      throw new IllegalArgumentException(kind.id() + " takes no parameter, got eps=" + zcaStrength);
    }
  }

  public static Preprocessing of(Kind kind) {
    return new Preprocessing(kind, kind == Kind.ZCA ? DEFAULT_ZCA_STRENGTH : 0);
  }

  public static Preprocessing zca(double eps) {
    return new Preprocessing(Kind.ZCA, eps);
  }

  /** The same transformation as an existing per-example {@link Preprocess}. */
  public static Preprocessing of(Preprocess p) {
    return of(Kind.valueOf(p.name()));
  }

  /**
   * Parses {@code none}, {@code scale}, {@code standardize}, {@code feature-standardize} (or {@code
   * feature_standardize}), {@code zca} or {@code zca:eps=0.1} (case-insensitive).
   */
  public static Preprocessing parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    String head = t;
    String param = null;
    int colon = t.indexOf(':');
    if (colon >= 0) {
      head = t.substring(0, colon).trim();
      param = t.substring(colon + 1).trim();
    }
    for (Kind k : Kind.values()) {
      if (k.id().equals(head.replace('_', '-'))) {
        if (param == null) {
          return of(k);
        }
        if (k == Kind.ZCA && param.startsWith("eps=")) {
          try {
            return zca(Double.parseDouble(param.substring(4)));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "preprocessing '" + text + "': eps must be a number, got " + param.substring(4));
          }
        }
        throw new IllegalArgumentException(
            "preprocessing '"
                + text
                + "': unexpected parameter '"
                + param
                + "'"
                + (k == Kind.ZCA ? ", expected eps=<number>" : ", " + k.id() + " takes none"));
      }
    }
    throw new IllegalArgumentException(
        "unknown preprocessing '"
            + text
            + "', expected one of none, scale, standardize, feature-standardize, zca, zca:eps=<ε>");
  }

  /** Canonical text: the kind's id, and {@code :eps=ε} for ZCA. */
  public String id() {
    return kind == Kind.ZCA ? "zca:eps=" + zcaStrength : kind.id();
  }

  /**
   * Fits on {@code rawTrain} (rows = examples; statistics only from it) and returns the
   * transformation to apply to training and test inputs alike. Inputs are never changed.
   *
   * @throws IllegalArgumentException if a fitted kind gets no training examples
   */
  public UnaryOperator<Matrix> fit(Matrix rawTrain) {
    switch (kind) {
      case NONE:
        return Preprocess.NONE::apply;
      case SCALE:
        return Preprocess.SCALE::apply;
      case STANDARDIZE:
        return Preprocess.STANDARDIZE::apply;
      default:
        break;
    }
    if (rawTrain.rows() == 0) {
      throw new IllegalArgumentException(
          id() + " fits statistics on the training subset, which is empty");
    }
    if (kind == Kind.FEATURE_STANDARDIZE) {
      return featureStandardizer(Preprocess.SCALE.apply(rawTrain));
    }
    Matrix w = zcaTransform(Preprocess.STANDARDIZE.apply(rawTrain), zcaStrength);
    return raw -> Blas.multiply(Preprocess.STANDARDIZE.apply(raw), w);
  }

  private static UnaryOperator<Matrix> featureStandardizer(Matrix train) {
    int n = train.rows();
    int d = train.cols();
    double[] x = train.data();
    double[] mean = new double[d];
    double[] inv = new double[d];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < d; j++) {
        mean[j] += x[r * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[] var = new double[d];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < d; j++) {
        double c = x[r * d + j] - mean[j];
        var[j] += c * c;
      }
    }
    for (int j = 0; j < d; j++) {
      inv[j] = var[j] > 0 ? 1.0 / Math.sqrt(var[j] / n) : 0.0;
    }
    return raw -> {
      Matrix out = Preprocess.SCALE.apply(raw);
      double[] o = out.data();
      for (int r = 0; r < out.rows(); r++) {
        for (int j = 0; j < d; j++) {
          o[r * d + j] = (o[r * d + j] - mean[j]) * inv[j];
        }
      }
      return out;
    };
  }

  /**
   * The regularized ZCA whitening matrix W (d × d, symmetric) of already standardized training
   * inputs {@code x}, as in the class comment.
   */
  static Matrix zcaTransform(Matrix x, double eps) {
    int n = x.rows();
    int d = x.cols();
    Matrix cov = Blas.multiply(x, true, x, false);
    Blas.scale(cov, 1.0 / n);
    double lambda = eps * cov.trace() / d;
    double[] c = cov.data();
    for (int i = 0; i < d; i++) {
      c[i * d + i] += lambda;
    }
    SymmetricEigen eig = Blas.eigh(cov);
    double[] s = eig.values(); // ascending
    double[] m = new double[d];
    int uncontrolled = n < d ? d - n : 0;
    for (int i = 0; i < d; i++) {
      m[i] = i < uncontrolled ? 1.0 : 1.0 / Math.sqrt(s[i]);
    }
    Matrix v = eig.vectors();
    Matrix vm = v.copy();
    double[] a = vm.data();
    for (int r = 0; r < d; r++) {
      for (int k = 0; k < d; k++) {
        a[r * d + k] *= m[k];
      }
    }
    Matrix w = Blas.multiply(vm, false, v, true);
    // exact symmetry, so W does not depend on which triangle rounding favoured
    double[] wd = w.data();
    for (int r = 0; r < d; r++) {
      for (int k = r + 1; k < d; k++) {
        double avg = 0.5 * (wd[r * d + k] + wd[k * d + r]);
        wd[r * d + k] = avg;
        wd[k * d + r] = avg;
      }
    }
    return w;
  }
}
