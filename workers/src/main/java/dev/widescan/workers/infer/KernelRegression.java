package dev.widescan.workers.infer;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.linalg.SymmetricEigen;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Infinite-width predictions by kernel regression, with neural-tangents' conventions ({@code
 * nt.predict.gp_inference} and {@code gradient_descent_mse_ensemble}; Lee et al. 2019, "Wide Neural
 * Networks of Any Depth Evolve as Linear Models Under Gradient Descent").
 *
 * <p>One eigendecomposition K_dd = V diag(λ) Vᵀ serves every ridge and every time: a ridge only
 * shifts the eigenvalues, and Vᵀy and K_td·V are computed once. The ridge is ε = diag_reg ·
 * trace(K_dd)/n. The initial function is taken to have mean zero, so predictions are of the mean
 * over initializations.
 *
 * <p>Only the upper triangle of the train × train kernel is read.
 */
public final class KernelRegression {
  private KernelRegression() {}

  /**
   * NNGP posterior means (Rasmussen &amp; Williams 2006, eq. 2.23; Lee et al. 2018, "Deep Neural
   * Networks as Gaussian Processes"):
   *
   * <pre>  μ = K_td (K_dd + εI)⁻¹ y = K_td V diag(1/(λ + ε)) Vᵀ y</pre>
   *
   * one per entry of {@code diagRegs}, in that order, each with t = +∞.
   *
   * @param kTrainTrain K_dd, n × n
   * @param kTestTrain K_td, m × n
   * @param yTrain targets, n × k
   * @param diagRegs relative ridges, each finite and ≥ 0
   * @throws NotPositiveDefiniteException if K_dd has a non-finite entry or, for some ridge, λ_min +
   *     ε ≤ n·2⁻⁵²·max|λ|
   */
  public static List<Prediction> nngp(
      Matrix kTrainTrain, Matrix kTestTrain, Matrix yTrain, double[] diagRegs) {
    double[] infinity = {Double.POSITIVE_INFINITY};
    if (diagRegs.length == 0 || diagRegs.length > CHOLESKY_MAX_RIDGES) {
      return ntkOrNngp("NNGP", kTrainTrain, kTestTrain, yTrain, diagRegs, infinity);
    }
    // A few ridges at t = ∞ only: a Cholesky factorization per ridge (n³/3 each) is several
    // times cheaper than one eigendecomposition. If one fails, the eigendecomposition path
    // runs instead and reports the eigenvalue range.
    int n = kTrainTrain.rows();
    if (kTrainTrain.cols() != n
        || kTestTrain.cols() != n
        || yTrain.rows() != n
        || n == 0
        || firstNonFinite(kTrainTrain.data()) >= 0) {
      return ntkOrNngp("NNGP", kTrainTrain, kTestTrain, yTrain, diagRegs, infinity);
    }
    double scale = kTrainTrain.trace() / n;
    int k = yTrain.cols();
    Matrix alphas = Matrix.zeros(n, k * diagRegs.length);
    for (int c = 0; c < diagRegs.length; c++) {
      double eps = diagRegs[c] * scale;
      if (!(diagRegs[c] >= 0) || Double.isInfinite(diagRegs[c])) {
        return ntkOrNngp("NNGP", kTrainTrain, kTestTrain, yTrain, diagRegs, infinity);
      }
      Matrix shifted = kTrainTrain.copy();
      for (int i = 0; i < n; i++) {
        shifted.data()[i * n + i] += eps;
      }
      Optional<Matrix> upper = Blas.cholesky(shifted);
      if (upper.isEmpty()
          || firstNonFinite(upper.get().data()) >= 0
          || nearlySingular(upper.get(), shifted)) {
        return ntkOrNngp("NNGP", kTrainTrain, kTestTrain, yTrain, diagRegs, infinity);
      }
      Matrix alpha = Blas.choleskySolve(upper.get(), yTrain);
      for (int i = 0; i < n; i++) {
        System.arraycopy(alpha.data(), i * k, alphas.data(), i * k * diagRegs.length + c * k, k);
      }
    }
    requireFinite(kTestTrain, "NNGP test×train kernel");
    Matrix predictions = Blas.multiply(kTestTrain, alphas);
    List<Prediction> out = new ArrayList<>(diagRegs.length);
    for (int c = 0; c < diagRegs.length; c++) {
      out.add(
          new Prediction(
              diagRegs[c], Double.POSITIVE_INFINITY, columnBlock(predictions, c * k, k)));
    }
    return out;
  }

  /**
   * Every Cholesky pivot squared bounds λ_min from above, so a pivot² at the eigen path's tolerance
   * (n·2⁻⁵²·max|λ|, with max|λ| ≥ the largest diagonal entry) sends the ridge to that path, which
   * either succeeds or reports the eigenvalue range.
   */
  private static boolean nearlySingular(Matrix upper, Matrix shifted) {
    int n = upper.rows();
    double minPivot = Double.POSITIVE_INFINITY;
    double maxDiagonal = 0;
    for (int i = 0; i < n; i++) {
      double u = upper.get(i, i);
      minPivot = Math.min(minPivot, u * u);
      maxDiagonal = Math.max(maxDiagonal, Math.abs(shifted.get(i, i)));
    }
    return minPivot <= n * Math.ulp(1.0) * maxDiagonal;
  }

  /**
   * NNGP posterior variances of the test points (Rasmussen &amp; Williams 2006, eq. 2.24; Lee et
   * al. 2018), one array per ridge:
   *
   * <pre>  σ²(x) = K(x, x) − K_xd (K_dd + εI)⁻¹ K_dx,   ε = diag_reg · trace(K_dd)/n</pre>
   *
   * the variance of each output (the kernel is shared by the k outputs), clamped at 0 against
   * rounding. Costs a Cholesky factorization and a solve with m right-hand sides per ridge.
   *
   * @param kTestDiagonal K(x, x) for the m test points
   * @throws NotPositiveDefiniteException if K_dd + εI is not positive definite
   */
  public static List<double[]> nngpVariance(
      Matrix kTrainTrain, Matrix kTestTrain, double[] kTestDiagonal, double[] diagRegs) {
    int n = kTrainTrain.rows();
    int m = kTestTrain.rows();
    if (kTrainTrain.cols() != n || kTestTrain.cols() != n || kTestDiagonal.length != m) {
      throw new IllegalArgumentException(
          "expected train×train n×n, test×train m×n and m test variances, got "
              + kTrainTrain.shape()
              + ", "
              + kTestTrain.shape()
              + " and "
              + kTestDiagonal.length);
    }
    Matrix kdt = kTestTrain.transpose();
    double scale = kTrainTrain.trace() / n;
    List<double[]> out = new ArrayList<>(diagRegs.length);
    for (double r : diagRegs) {
      Matrix shifted = kTrainTrain.copy();
      for (int i = 0; i < n; i++) {
        shifted.data()[i * n + i] += r * scale;
      }
      Optional<Matrix> upper = Blas.cholesky(shifted);
      if (upper.isEmpty()) {
        throw new NotPositiveDefiniteException(
            String.format(
                Locale.ROOT,
                "NNGP train×train kernel (%s) plus ε = %s is not positive definite: no posterior"
                    + " variance at diag_reg %s",
                kTrainTrain.shape(),
                r * scale,
                r),
            Double.NaN,
            Double.NaN,
            r * scale);
      }
      Matrix solved = Blas.choleskySolve(upper.get(), kdt);
      double[] variance = new double[m];
      double[] ktd = kTestTrain.data();
      double[] x = solved.data();
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
          variance[i] += ktd[i * n + j] * x[j * m + i];
        }
      }
      for (int i = 0; i < m; i++) {
        variance[i] = Math.max(0, kTestDiagonal[i] - variance[i]);
      }
      out.add(variance);
    }
    return out;
  }

  /** Above this many ridges one eigendecomposition beats a Cholesky factorization per ridge. */
  static final int CHOLESKY_MAX_RIDGES = 8;

  /**
   * Means of NTK gradient flow on the MSE loss ‖f − y‖²/(2·n·k) (n examples, k outputs), at each
   * time t = learning rate × steps:
   *
   * <pre>  μ(t) = Θ_td V diag((1 − exp(−(λ + ε)·t/(n·k))) / (λ + ε)) Vᵀ y</pre>
   *
   * which at t = +∞ is the ridge solve Θ_td (Θ_dd + εI)⁻¹ y (Jacot et al. 2018; Lee et al. 2019).
   * Where λ + ε is 0 or nearly so the factor is computed as (t/(n·k))·(1 − e⁻ˣ)/x with x = (λ +
   * ε)·t/(n·k), whose limit t/(n·k) is exact at x = 0. Results are ordered by ridge, then by time.
   *
   * @param thetaTrainTrain Θ_dd, n × n
   * @param thetaTestTrain Θ_td, m × n
   * @param yTrain targets, n × k
   * @param diagRegs relative ridges, each finite and ≥ 0
   * @param times each ≥ 0 or {@link Double#POSITIVE_INFINITY}
   * @throws NotPositiveDefiniteException if Θ_dd has a non-finite entry; if, for a ridge, λ_min + ε
   *     ≤ tol (with t = ∞) or λ_min + ε &lt; −tol (finite t only), tol = n·2⁻⁵²·max|λ|
   */
  public static List<Prediction> ntk(
      Matrix thetaTrainTrain,
      Matrix thetaTestTrain,
      Matrix yTrain,
      double[] diagRegs,
      double[] times) {
    return ntkOrNngp("NTK", thetaTrainTrain, thetaTestTrain, yTrain, diagRegs, times);
  }

  private static List<Prediction> ntkOrNngp(
      String kind, Matrix kdd, Matrix ktd, Matrix y, double[] diagRegs, double[] times) {
    int n = kdd.rows();
    if (kdd.cols() != n || ktd.cols() != n || y.rows() != n) {
      throw new IllegalArgumentException(
          "expected train×train n×n, test×train m×n and targets n×k, got "
              + kdd.shape()
              + ", "
              + ktd.shape()
              + " and "
              + y.shape());
    }
    if (n == 0 || y.cols() == 0) {
      throw new IllegalArgumentException(
          "need at least one training example and one output, got targets " + y.shape());
    }
    for (double r : diagRegs) {
      if (!(r >= 0) || Double.isInfinite(r)) {
        throw new IllegalArgumentException("diag_reg must be finite and non-negative, got " + r);
      }
    }
    for (double t : times) {
      if (!(t >= 0)) {
        throw new IllegalArgumentException("time must be non-negative or +infinity, got " + t);
      }
    }
    requireFinite(ktd, kind + " test×train kernel");
    requireFinite(y, "targets");
    int firstBad = firstNonFinite(kdd.data());
    if (firstBad >= 0) {
      throw new NotPositiveDefiniteException(
          String.format(
              Locale.ROOT,
              "%s train×train kernel (%s) has a non-finite entry %s at (%d, %d)",
              kind,
              kdd.shape(),
              kdd.data()[firstBad],
              firstBad / n,
              firstBad % n),
          Double.NaN,
          Double.NaN,
          Double.NaN);
    }

    SymmetricEigen eigen = Blas.eigh(kdd);
    double[] lambda = eigen.values();
    double lambdaMin = eigen.minValue();
    double lambdaMax = eigen.maxValue();
    double tol = n * Math.ulp(1.0) * Math.max(Math.abs(lambdaMin), Math.abs(lambdaMax));
    double scale = kdd.trace() / n;
    boolean anyInfinite = false;
    boolean anyFinite = false;
    for (double t : times) {
      anyInfinite |= t == Double.POSITIVE_INFINITY;
      anyFinite |= t != Double.POSITIVE_INFINITY;
    }
    for (double r : diagRegs) {
      double eps = r * scale;
      double shifted = lambdaMin + eps;
      if ((anyInfinite && shifted <= tol) || (anyFinite && shifted < -tol)) {
        throw new NotPositiveDefiniteException(
            String.format(
                Locale.ROOT,
                "%s train×train kernel (%s) is not positive definite at diag_reg %s: eigenvalues in"
                    + " [%s, %s], ε = diag_reg·trace/n = %s, so λ_min + ε = %s, below the"
                    + " tolerance %.3g%s",
                kind,
                kdd.shape(),
                r,
                lambdaMin,
                lambdaMax,
                eps,
                shifted,
                tol,
                anyInfinite ? " needed for t = ∞; raise diag_reg" : ""),
            lambdaMin,
            lambdaMax,
            eps);
      }
    }

    Matrix v = eigen.vectors();
    Matrix vty = Blas.multiply(v, true, y, false);
    int k = y.cols();
    double nk = (double) n * k;
    int combos = diagRegs.length * times.length;
    // Column block c of `spectral` holds diag(factor_c) Vᵀy; then V·spectral gives every
    // (diag_reg, t)'s coefficients and one product with K_td every prediction: O(n²·k·c + m·n·k·c)
    // rather than the O(m·n²) of forming K_td·V.
    Matrix spectral = Matrix.zeros(n, k * combos);
    double[] sd = spectral.data();
    double[] vt = vty.data();
    int c = 0;
    for (double r : diagRegs) {
      double eps = r * scale;
      for (double t : times) {
        for (int i = 0; i < n; i++) {
          double f = flowFactor(lambda[i] + eps, t, nk);
          for (int j = 0; j < k; j++) {
            sd[i * k * combos + c * k + j] = vt[i * k + j] * f;
          }
        }
        c++;
      }
    }
    Matrix predictions = Blas.multiply(ktd, Blas.multiply(v, spectral));
    List<Prediction> out = new ArrayList<>(combos);
    c = 0;
    for (double r : diagRegs) {
      for (double t : times) {
        out.add(new Prediction(r, t, columnBlock(predictions, c * k, k)));
        c++;
      }
    }
    return out;
  }

  /** Columns [from, from + width) of {@code m}, copied. */
  static Matrix columnBlock(Matrix m, int from, int width) {
    Matrix out = Matrix.zeros(m.rows(), width);
    for (int i = 0; i < m.rows(); i++) {
      System.arraycopy(m.data(), i * m.cols() + from, out.data(), i * width, width);
    }
    return out;
  }

  /** (1 − exp(−μ·t/N))/μ, its t = ∞ limit 1/μ, and its μ → 0 limit t/N. */
  private static double flowFactor(double mu, double t, double norm) {
    if (t == Double.POSITIVE_INFINITY) {
      return 1.0 / mu;
    }
    double tn = t / norm;
    double x = mu * tn;
    if (x == 0) {
      return tn;
    }
    return -Math.expm1(-x) / x * tn;
  }

  private static void requireFinite(Matrix m, String what) {
    int bad = firstNonFinite(m.data());
    if (bad >= 0) {
      throw new IllegalArgumentException(
          what
              + " ("
              + m.shape()
              + ") has a non-finite entry "
              + m.data()[bad]
              + " at ("
              + bad / m.cols()
              + ", "
              + bad % m.cols()
              + ")");
    }
  }

  private static int firstNonFinite(double[] d) {
    for (int i = 0; i < d.length; i++) {
      if (!Double.isFinite(d[i])) {
        return i;
      }
    }
    return -1;
  }
}
