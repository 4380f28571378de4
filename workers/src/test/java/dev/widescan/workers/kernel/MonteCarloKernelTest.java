package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The analytic NNGP against the empirical output covariance of random finite networks (Neal 1996;
 * Lee et al. 2018; neural-tangents' {@code monte_carlo_kernel_fn}). Each draw is an NTK-
 * parameterized depth-2 network with a readout of {@code width} outputs, all independent given the
 * hidden layers; the estimate is the average of f(x)·f(x')ᵀ/k over outputs and draws (the mean of f
 * is zero, so no centring). Its error has a sampling part ~ 1/√(draws·width) and a bias ~ 1/width.
 * Seeds are fixed, so the numbers below are deterministic.
 */
class MonteCarloKernelTest {
  private static final int INPUTS = 5;
  private static final int DIM = 16;
  private static final int DRAWS = 200;
  private static final int DEPTH = 2;
  private static final double W_STD = 1.5;
  private static final double B_STD = 0.3;
  private static final int WIDE = 512;
  private static final int NARROW = 32;

  /**
   * Relative Frobenius tolerance at width 512 with 200 draws; observed 0.9% (erf) and 1.3% (relu).
   */
  private static final double WIDE_TOLERANCE = 0.03;

  @ParameterizedTest
  @ValueSource(strings = {"relu", "erf"})
  void analyticNngpMatchesWideRandomNetworks(Activation activation) {
    Matrix x = gaussian(new SplittableRandom(7), INPUTS, DIM);
    FcArchitecture arch =
        new FcArchitecture(DEPTH, activation, W_STD, B_STD, Parameterization.NTK, 0);
    Matrix analytic = arch.network().apply(KernelState.ofInputs(x)).nngp();

    double wideError = relativeFrobenius(empiricalNngp(x, activation, WIDE, 11), analytic);
    double narrowError = relativeFrobenius(empiricalNngp(x, activation, NARROW, 11), analytic);
    System.out.printf(
        "Monte Carlo %s depth %d, %d draws: relative Frobenius error %.4f at width %d, %.4f at"
            + " width %d%n",
        activation.id(), DEPTH, DRAWS, wideError, WIDE, narrowError, NARROW);

    assertTrue(wideError < WIDE_TOLERANCE, "error " + wideError + " at width " + WIDE);
    assertTrue(
        wideError < narrowError,
        "error at width "
            + WIDE
            + " ("
            + wideError
            + ") should be below width "
            + NARROW
            + " ("
            + narrowError
            + ")");
  }

  /** Average over draws of f·fᵀ/k for NTK-parameterized nets of the given width (k = width). */
  private static Matrix empiricalNngp(Matrix x, Activation activation, int width, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Matrix sum = Matrix.zeros(x.rows(), x.rows());
    for (int draw = 0; draw < DRAWS; draw++) {
      Matrix h = x;
      for (int layer = 0; layer <= DEPTH; layer++) {
        h = dense(h, width, random);
        if (layer < DEPTH) {
          double[] d = h.data();
          for (int i = 0; i < d.length; i++) {
            d[i] = activation.apply(d[i]);
          }
        }
      }
      Blas.gemm(1.0 / (width * (double) DRAWS), h, false, h, true, 1.0, sum);
    }
    return sum;
  }

  /** h·(W_std/√N_in)·W + b_std·b with W, b ~ N(0, 1). */
  private static Matrix dense(Matrix h, int outWidth, SplittableRandom random) {
    Matrix w = gaussian(random, h.cols(), outWidth);
    Matrix out = Matrix.zeros(h.rows(), outWidth);
    double[] o = out.data();
    for (int j = 0; j < outWidth; j++) {
      double b = B_STD * random.nextGaussian();
      for (int i = 0; i < h.rows(); i++) {
        o[i * outWidth + j] = b;
      }
    }
    Blas.gemm(W_STD / Math.sqrt(h.cols()), h, false, w, false, 1.0, out);
    return out;
  }

  private static Matrix gaussian(SplittableRandom random, int rows, int cols) {
    double[] d = new double[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextGaussian();
    }
    return new Matrix(rows, cols, d);
  }

  private static double relativeFrobenius(Matrix estimate, Matrix exact) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < exact.data().length; i++) {
      double e = estimate.data()[i] - exact.data()[i];
      num += e * e;
      den += exact.data()[i] * exact.data()[i];
    }
    return Math.sqrt(num / den);
  }
}
