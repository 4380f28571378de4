package dev.widescan.workers.finite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FcNetworkTest {
  @ParameterizedTest(name = "{0} {1} depth {2}")
  @CsvSource({
    "NTK, ERF, 2",
    "STANDARD, ERF, 2",
    "NTK, RELU, 2",
    "STANDARD, RELU, 2",
    "NTK, RELU, 0",
    "STANDARD, ERF, 3",
  })
  void gradientEqualsCentralFiniteDifferences(Parameterization p, Activation act, int depth) {
    FcSpec spec = new FcSpec(5, 7, depth, 3, act, p, 1.5, 0.3);
    FcNetwork net = FcNetwork.initialize(spec, 11);
    Matrix x = gaussian(4, 5, 1);
    Matrix y = gaussian(4, 3, 2);
    double[] analytic = net.lossAndGradient(x, y).flat();
    double[] theta = net.flatParameters();
    assertEquals(theta.length, analytic.length);

    // ∂L/∂θ_i ≈ (a ReLU kink crossed by a step would show as a large error, not hide one)
    // ∂L/∂θ_i ≈ (L(θ + h·e_i) − L(θ − h·e_i)) / 2h, error O(h²) + O(ε·L/h)
    double h = 1e-5;
    double worst = 0;
    for (int i = 0; i < theta.length; i++) {
      double saved = theta[i];
      theta[i] = saved + h;
      net.setFlatParameters(theta);
      double up = net.loss(x, y);
      theta[i] = saved - h;
      net.setFlatParameters(theta);
      double down = net.loss(x, y);
      theta[i] = saved;
      double numeric = (up - down) / (2 * h);
      double scale = Math.max(Math.abs(analytic[i]) + Math.abs(numeric), 1e-6);
      worst = Math.max(worst, Math.abs(analytic[i] - numeric) / scale);
    }
    net.setFlatParameters(theta);
    assertTrue(worst < 1e-6, "worst relative error " + worst);
  }

  @Test
  void forwardPassFollowsTheParameterizationFormulas() {
    // depth 1, N_in = 2, width 2, 1 output; h = α·x·W + β·b, α = W_std/√N_in
    double wStd = 2.0;
    double bStd = 0.5;
    double[] theta = {0.3, -1.2, 0.7, 0.4, 0.1, -0.2, 1.5, -0.8, 0.25};
    double[] x = {1.0, -2.0};
    for (Parameterization p : Parameterization.values()) {
      FcNetwork net =
          FcNetwork.initialize(new FcSpec(2, 2, 1, 1, Activation.RELU, p, wStd, bStd), 3);
      net.setFlatParameters(theta);
      double a0 = p == Parameterization.NTK ? wStd / Math.sqrt(2) : 1.0;
      double a1 = a0;
      double beta = p == Parameterization.NTK ? bStd : 1.0;
      double h0 = Math.max(0, a0 * (x[0] * 0.3 + x[1] * 0.7) + beta * 0.1);
      double h1 = Math.max(0, a0 * (x[0] * -1.2 + x[1] * 0.4) + beta * -0.2);
      double f = a1 * (h0 * 1.5 + h1 * -0.8) + beta * 0.25;
      assertEquals(f, net.apply(Matrix.of(new double[][] {x})).get(0, 0), 1e-14, p.id());
    }
  }

  @Test
  void ntkAndStandardNetworksAgreeWhenParametersAreRescaled() {
    // NTK's (W_std/√N_in)·W and b_std·b are standard parameterization's W and b
    FcSpec ntkSpec = new FcSpec(6, 9, 2, 4, Activation.ERF, Parameterization.NTK, 1.3, 0.2);
    FcSpec stdSpec = new FcSpec(6, 9, 2, 4, Activation.ERF, Parameterization.STANDARD, 1.3, 0.2);
    FcNetwork ntk = FcNetwork.initialize(ntkSpec, 5);
    FcNetwork std = FcNetwork.initialize(stdSpec, 99);
    double[][] from = ntk.parameterBlocks();
    double[][] to = std.parameterBlocks();
    for (int b = 0; b < from.length; b++) {
      int layer = b / 2;
      double s = b % 2 == 0 ? 1.3 / Math.sqrt(ntkSpec.fanIn(layer)) : 0.2;
      for (int i = 0; i < from[b].length; i++) {
        to[b][i] = s * from[b][i];
      }
    }
    Matrix x = gaussian(5, 6, 8);
    assertArrayEquals(ntk.apply(x).data(), std.apply(x).data(), 1e-13);
  }

  @Test
  void standardInitializationHasTheDocumentedSpread() {
    FcSpec spec =
        new FcSpec(400, 300, 1, 100, Activation.RELU, Parameterization.STANDARD, 2.0, 0.5);
    double[][] blocks = FcNetwork.initialize(spec, 1).parameterBlocks();
    // W_0: 120,000 draws of N(0, W_std²/N_in), W_1: 30,000 of N(0, W_std²/width); the relative
    // standard error of a sample std from m draws is 1/√(2m): 0.2% and 0.4%
    assertEquals(2.0 / Math.sqrt(400), std(blocks[0]), 0.01 * 2.0 / Math.sqrt(400));
    assertEquals(2.0 / Math.sqrt(300), std(blocks[2]), 0.02 * 2.0 / Math.sqrt(300));
    FcSpec ntkSpec = new FcSpec(400, 300, 1, 100, Activation.RELU, Parameterization.NTK, 2.0, 0.5);
    double[][] ntk = FcNetwork.initialize(ntkSpec, 1).parameterBlocks();
    assertEquals(1.0, std(ntk[0]), 0.01);
    assertEquals(1.0, std(ntk[2]), 0.02);
  }

  @Test
  void sameSeedGivesTheSameNetworkAndOutputs() {
    FcSpec spec = new FcSpec(10, 32, 2, 3, Activation.RELU, Parameterization.NTK, 1.4, 0.1);
    Matrix x = gaussian(6, 10, 4);
    FcNetwork a = FcNetwork.initialize(spec, 42);
    FcNetwork b = FcNetwork.initialize(spec, 42);
    assertArrayEquals(a.flatParameters(), b.flatParameters());
    assertArrayEquals(a.apply(x).data(), b.apply(x).data());
    assertFalse(Arrays.equals(a.apply(x).data(), FcNetwork.initialize(spec, 43).apply(x).data()));
    assertEquals(10 * 32 + 32 + 32 * 32 + 32 + 32 * 3 + 3, a.parameterCount());
  }

  @Test
  void copyIsIndependent() {
    FcNetwork a =
        FcNetwork.initialize(new FcSpec(3, 4, 1, 2, Activation.ERF, Parameterization.NTK, 1, 1), 1);
    FcNetwork b = a.copy();
    b.parameterBlocks()[0][0] += 1.0;
    assertEquals(a.flatParameters()[0] + 1.0, b.flatParameters()[0]);
  }

  @Test
  void shapeMismatchesNameTheShapes() {
    FcNetwork net =
        FcNetwork.initialize(new FcSpec(3, 4, 1, 2, Activation.ERF, Parameterization.NTK, 1, 1), 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> net.apply(Matrix.zeros(5, 4)));
    assertEquals("network takes 3 inputs, got a 5x4 batch", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> net.loss(Matrix.zeros(5, 3), Matrix.zeros(5, 3)));
    assertEquals("targets for a 5x3 batch must be 5x2, got 5x3", e.getMessage());
  }

  static Matrix gaussian(int rows, int cols, long seed) {
    Random r = new Random(seed);
    Matrix m = Matrix.zeros(rows, cols);
    for (int i = 0; i < m.data().length; i++) {
      m.data()[i] = r.nextGaussian();
    }
    return m;
  }

  private static double std(double[] v) {
    double mean = Arrays.stream(v).average().orElseThrow();
    return Math.sqrt(Arrays.stream(v).map(t -> (t - mean) * (t - mean)).sum() / v.length);
  }
}
