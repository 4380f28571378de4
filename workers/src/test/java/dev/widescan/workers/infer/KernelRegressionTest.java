package dev.widescan.workers.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.kernel.FcArchitecture;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Identities of kernel regression, checked against an independent solve and an ODE integration. */
class KernelRegressionTest {
  private static final int TRAIN = 12;
  private static final int TEST = 5;
  private static final int OUTPUTS = 3;

  private static KernelBlocks kernels;
  private static Matrix y;

  @BeforeAll
  static void kernels() {
    SplittableRandom random = new SplittableRandom(5);
    Matrix x = gaussian(random, TRAIN + TEST, 10);
    kernels =
        NeuralKernels.fc(
            new FcArchitecture(2, Activation.RELU, 1.4, 0.1, Parameterization.NTK, 0),
            x.rowRange(0, TRAIN),
            x.rowRange(TRAIN, TRAIN + TEST));
    y = gaussian(random, TRAIN, OUTPUTS);
  }

  @Test
  void nngpPosteriorMeanIsTheRidgeSolve() {
    double reg = 1e-3;
    Prediction p =
        KernelRegression.nngp(
                kernels.nngpTrainTrain(), kernels.nngpTestTrain(), y, new double[] {reg})
            .get(0);
    assertEquals(Double.POSITIVE_INFINITY, p.t());
    assertEquals(reg, p.diagReg());
    assertClose(
        ridgeSolve(kernels.nngpTrainTrain(), kernels.nngpTestTrain(), y, reg), p.mean(), 1e-10);
  }

  @Test
  void choleskyAndEigendecompositionPathsAgreeForEveryRidge() {
    // A few ridges take one Cholesky factorization each; more take one eigendecomposition.
    double[] few = {0, 1e-4, 0.3};
    double[] many = {0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 0.3, 1.0};
    for (double[] regs : List.of(few, many)) {
      List<Prediction> nngp =
          KernelRegression.nngp(kernels.nngpTrainTrain(), kernels.nngpTestTrain(), y, regs);
      for (int i = 0; i < regs.length; i++) {
        assertEquals(regs[i], nngp.get(i).diagReg());
        assertClose(
            ridgeSolve(kernels.nngpTrainTrain(), kernels.nngpTestTrain(), y, regs[i]),
            nngp.get(i).mean(),
            1e-9);
      }
    }
  }

  @Test
  void posteriorVarianceIsThePriorMinusWhatTheTrainingSetExplains() {
    double[] regs = {1e-3, 10.0};
    double[] prior = kernels.nngpTestDiagonal();
    List<double[]> variances =
        KernelRegression.nngpVariance(
            kernels.nngpTrainTrain(), kernels.nngpTestTrain(), prior, regs);
    for (int r = 0; r < regs.length; r++) {
      // σ²(x) = K(x,x) − k_xᵀ (K + εI)⁻¹ k_x, computed independently by Gaussian elimination.
      Matrix explained =
          ridgeSolve(
              kernels.nngpTrainTrain(),
              kernels.nngpTestTrain(),
              kernels.nngpTestTrain().transpose(),
              regs[r]);
      for (int i = 0; i < TEST; i++) {
        assertEquals(prior[i] - explained.get(i, i), variances.get(r)[i], 1e-9 * prior[i]);
        assertTrue(variances.get(r)[i] >= 0 && variances.get(r)[i] <= prior[i]);
      }
    }
    // A larger ridge explains less: the variance grows toward the prior.
    for (int i = 0; i < TEST; i++) {
      assertTrue(variances.get(1)[i] > variances.get(0)[i]);
    }
    // At a training point with a tiny ridge nothing is left to explain.
    Matrix trainAsTest = kernels.nngpTrainTrain().rowRange(0, 1);
    double[] v =
        KernelRegression.nngpVariance(
                kernels.nngpTrainTrain(),
                trainAsTest,
                new double[] {kernels.nngpTrainTrain().get(0, 0)},
                new double[] {1e-12})
            .get(0);
    assertEquals(0.0, v[0], 1e-8 * kernels.nngpTrainTrain().get(0, 0));
  }

  @Test
  void gradientFlowAtInfinityIsTheRidgeSolve() {
    double[] regs = {0, 1e-4, 0.3};
    List<Prediction> ps =
        KernelRegression.ntk(
            kernels.ntkTrainTrain(),
            kernels.ntkTestTrain(),
            y,
            regs,
            new double[] {Double.POSITIVE_INFINITY, 1e9});
    assertEquals(6, ps.size());
    for (int r = 0; r < regs.length; r++) {
      Matrix solve = ridgeSolve(kernels.ntkTrainTrain(), kernels.ntkTestTrain(), y, regs[r]);
      assertEquals(regs[r], ps.get(2 * r).diagReg());
      assertEquals(Double.POSITIVE_INFINITY, ps.get(2 * r).t());
      assertClose(solve, ps.get(2 * r).mean(), 1e-9);
      assertEquals(1e9, ps.get(2 * r + 1).t());
      assertClose(solve, ps.get(2 * r + 1).mean(), 1e-9);
    }
  }

  @Test
  void gradientFlowMatchesIntegratingTheTrainingDynamics() {
    double t = 7.0;
    double reg = 0.02;
    Prediction p =
        KernelRegression.ntk(
                kernels.ntkTrainTrain(),
                kernels.ntkTestTrain(),
                y,
                new double[] {reg},
                new double[] {t})
            .get(0);
    assertClose(
        integrateFlow(kernels.ntkTrainTrain(), kernels.ntkTestTrain(), y, reg, t), p.mean(), 1e-9);
  }

  @Test
  void meanStartsAtZero() {
    List<Prediction> ps =
        KernelRegression.ntk(
            kernels.ntkTrainTrain(),
            kernels.ntkTestTrain(),
            y,
            new double[] {0},
            new double[] {1e-12, 0});
    assertTrue(
        maxAbs(ps.get(0).mean()) < 1e-10, "max |mean| at t = 1e-12 is " + maxAbs(ps.get(0).mean()));
    assertEquals(0.0, maxAbs(ps.get(1).mean()), "max |mean| at t = 0");
  }

  @Test
  void hugeRidgeShrinksPredictionsToZero() {
    double[] huge = {1e12};
    Prediction nngp =
        KernelRegression.nngp(kernels.nngpTrainTrain(), kernels.nngpTestTrain(), y, huge).get(0);
    Prediction ntk =
        KernelRegression.ntk(
                kernels.ntkTrainTrain(),
                kernels.ntkTestTrain(),
                y,
                huge,
                new double[] {Double.POSITIVE_INFINITY})
            .get(0);
    assertTrue(maxAbs(nngp.mean()) < 1e-10, "NNGP max |mean| " + maxAbs(nngp.mean()));
    assertTrue(maxAbs(ntk.mean()) < 1e-10, "NTK max |mean| " + maxAbs(ntk.mean()));
  }

  @Test
  void zeroEigenvalueUsesTheLinearLimitAtFiniteTime() {
    // Θ_dd = diag(0, 1, 4): for λ = 0 the factor (1 − e^{−λt/(nk)})/λ is t/(nk) exactly.
    Matrix theta = Matrix.of(new double[][] {{0, 0, 0}, {0, 1, 0}, {0, 0, 4}});
    Matrix thetaTd = Matrix.of(new double[][] {{1, 2, 3}});
    Matrix targets = Matrix.of(new double[][] {{1, -1}, {2, 0.5}, {-3, 1}});
    double t = 5;
    double nk = 3 * 2;
    double[] factor = {t / nk, -Math.expm1(-t / nk), -Math.expm1(-4 * t / nk) / 4};
    Prediction p =
        KernelRegression.ntk(theta, thetaTd, targets, new double[] {0}, new double[] {t}).get(0);
    for (int c = 0; c < 2; c++) {
      double expected = 0;
      for (int i = 0; i < 3; i++) {
        expected += thetaTd.get(0, i) * factor[i] * targets.get(i, c);
      }
      assertEquals(expected, p.mean().get(0, c), 1e-14);
    }

    NotPositiveDefiniteException e =
        assertThrows(
            NotPositiveDefiniteException.class,
            () ->
                KernelRegression.ntk(
                    theta,
                    thetaTd,
                    targets,
                    new double[] {0},
                    new double[] {Double.POSITIVE_INFINITY}));
    assertTrue(e.getMessage().contains("eigenvalues in [0.0, 4.0]"), e.getMessage());
    assertEquals(0.0, e.minEigenvalue());
    assertEquals(4.0, e.maxEigenvalue());
    // A ridge makes the same kernel invertible.
    KernelRegression.ntk(
        theta, thetaTd, targets, new double[] {1e-3}, new double[] {Double.POSITIVE_INFINITY});
  }

  @Test
  void indefiniteOrNonFiniteKernelsAreReported() {
    Matrix indefinite = Matrix.of(new double[][] {{1, 2}, {2, 1}});
    Matrix td = Matrix.of(new double[][] {{1, 1}});
    Matrix targets = Matrix.of(new double[][] {{1}, {0}});
    NotPositiveDefiniteException e =
        assertThrows(
            NotPositiveDefiniteException.class,
            () -> KernelRegression.nngp(indefinite, td, targets, new double[] {0}));
    assertTrue(e.getMessage().contains("eigenvalues in [-1.0, 3.0"), e.getMessage());
    assertThrows(
        NotPositiveDefiniteException.class,
        () -> KernelRegression.ntk(indefinite, td, targets, new double[] {0}, new double[] {1}));

    Matrix nan = Matrix.of(new double[][] {{1, Double.NaN}, {Double.NaN, 1}});
    NotPositiveDefiniteException n =
        assertThrows(
            NotPositiveDefiniteException.class,
            () -> KernelRegression.nngp(nan, td, targets, new double[] {1}));
    assertTrue(n.getMessage().contains("non-finite"), n.getMessage());
  }

  @Test
  void rejectsMisuseWithAReason() {
    Matrix k = Matrix.identity(2);
    Matrix td = Matrix.of(new double[][] {{1, 1}});
    Matrix targets = Matrix.of(new double[][] {{1}, {0}});
    assertThrows(
        IllegalArgumentException.class,
        () -> KernelRegression.nngp(k, td, Matrix.zeros(3, 1), new double[] {0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> KernelRegression.nngp(k, td, targets, new double[] {-1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> KernelRegression.ntk(k, td, targets, new double[] {0}, new double[] {Double.NaN}));
  }

  /** K_td (K_dd + εI)⁻¹ y by Gaussian elimination with partial pivoting, ε = reg·trace/n. */
  private static Matrix ridgeSolve(Matrix kdd, Matrix ktd, Matrix targets, double reg) {
    int n = kdd.rows();
    int k = targets.cols();
    double eps = reg * kdd.trace() / n;
    double[][] a = kdd.toArray();
    double[][] b = targets.toArray();
    for (int i = 0; i < n; i++) {
      a[i][i] += eps;
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = a[col];
      a[col] = a[pivot];
      a[pivot] = t;
      t = b[col];
      b[col] = b[pivot];
      b[pivot] = t;
      for (int r = col + 1; r < n; r++) {
        double f = a[r][col] / a[col][col];
        for (int c = col; c < n; c++) {
          a[r][c] -= f * a[col][c];
        }
        for (int c = 0; c < k; c++) {
          b[r][c] -= f * b[col][c];
        }
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      for (int c = 0; c < k; c++) {
        double s = b[r][c];
        for (int j = r + 1; j < n; j++) {
          s -= a[r][j] * b[j][c];
        }
        b[r][c] = s / a[r][r];
      }
    }
    return times(ktd, Matrix.of(b));
  }

  /**
   * Gradient flow written in the kernel's coefficients: f_t = Θ_td·α with α̇ = (y − (Θ_dd +
   * εI)·α)/(n·k), α(0) = 0, so the train outputs f_d = (Θ_dd + εI)·α follow ḟ_d = −(Θ_dd + εI)(f_d
   * − y)/(n·k), gradient flow on ‖f − y‖²/(2·n·k) under the ridge-shifted kernel. Integrated by
   * classical Runge–Kutta, independently of the eigendecomposition.
   */
  private static Matrix integrateFlow(
      Matrix kdd, Matrix ktd, Matrix targets, double reg, double t) {
    int n = kdd.rows();
    double eps = reg * kdd.trace() / n;
    double nk = (double) n * targets.cols();
    Matrix shifted = kdd.copy();
    for (int i = 0; i < n; i++) {
      shifted.set(i, i, shifted.get(i, i) + eps);
    }
    Matrix alpha = Matrix.zeros(n, targets.cols());
    int steps = 2000;
    double h = t / steps;
    for (int s = 0; s < steps; s++) {
      Matrix k1 = rate(shifted, targets, alpha, nk);
      Matrix k2 = rate(shifted, targets, axpy(alpha, h / 2, k1), nk);
      Matrix k3 = rate(shifted, targets, axpy(alpha, h / 2, k2), nk);
      Matrix k4 = rate(shifted, targets, axpy(alpha, h, k3), nk);
      alpha = axpy(alpha, h / 6, k1);
      alpha = axpy(alpha, h / 3, k2);
      alpha = axpy(alpha, h / 3, k3);
      alpha = axpy(alpha, h / 6, k4);
    }
    return times(ktd, alpha);
  }

  private static Matrix rate(Matrix shifted, Matrix targets, Matrix alpha, double nk) {
    Matrix r = times(shifted, alpha);
    for (int i = 0; i < r.data().length; i++) {
      r.data()[i] = (targets.data()[i] - r.data()[i]) / nk;
    }
    return r;
  }

  private static Matrix axpy(Matrix x, double a, Matrix d) {
    Matrix out = x.copy();
    for (int i = 0; i < out.data().length; i++) {
      out.data()[i] += a * d.data()[i];
    }
    return out;
  }

  /** A plain triple loop, independent of BLAS. */
  private static Matrix times(Matrix a, Matrix b) {
    Matrix c = Matrix.zeros(a.rows(), b.cols());
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < b.cols(); j++) {
        double s = 0;
        for (int l = 0; l < a.cols(); l++) {
          s += a.get(i, l) * b.get(l, j);
        }
        c.set(i, j, s);
      }
    }
    return c;
  }

  private static void assertClose(Matrix expected, Matrix actual, double relative) {
    double scale = maxAbs(expected);
    for (int i = 0; i < expected.data().length; i++) {
      assertEquals(expected.data()[i], actual.data()[i], relative * scale, "entry " + i);
    }
  }

  private static double maxAbs(Matrix m) {
    double max = 0;
    for (double v : m.data()) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  private static Matrix gaussian(SplittableRandom random, int rows, int cols) {
    double[] d = new double[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextGaussian();
    }
    return new Matrix(rows, cols, d);
  }
}
