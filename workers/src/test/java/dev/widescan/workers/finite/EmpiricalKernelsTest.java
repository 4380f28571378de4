package dev.widescan.workers.finite;

import static dev.widescan.workers.finite.FiniteFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.kernel.FcArchitecture;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Empirical kernels of finite networks against the analytic infinite-width kernels of the same
 * spec. Seeds are fixed, so every number is deterministic; the tolerances are about twice the
 * measured errors.
 */
class EmpiricalKernelsTest {
  private static final int D = 16;

  /**
   * Mean over three initializations of the relative Frobenius error of the kernel of 8 inputs at
   * depth 2. Measured at width 128 / 2048: relu-ntk 0.146 / 0.033, erf-ntk 0.162 / 0.049,
   * relu-standard 0.157 / 0.035, erf-standard 0.219 / 0.068 (≈ 1/√width: a 16× wider network, a 4×
   * smaller error).
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"RELU, NTK", "ERF, NTK", "RELU, STANDARD", "ERF, STANDARD"})
  void empiricalNtkOfAWideNetworkMatchesTheAnalyticNtk(Activation act, Parameterization p) {
    Matrix x = FiniteFixtures.sphere(8, D, 1);
    double narrow = meanNtkError(x, act, p, 128);
    double wide = meanNtkError(x, act, p, 2048);
    System.out.printf(
        "empirical NTK %s %s depth 2: mean relative error %.4f at width 128, %.4f at width 2048%n",
        act.id(), p.id(), narrow, wide);
    assertTrue(wide < 0.1, "relative error " + wide + " at width 2048");
    assertTrue(wide < 0.5 * narrow, "width 2048: " + wide + ", width 128: " + narrow);
  }

  private static double meanNtkError(Matrix x, Activation act, Parameterization p, int width) {
    Matrix analytic =
        NeuralKernels.fc(new FcArchitecture(2, act, 1.5, 0.2, p, width), x, x).ntkTrainTrain();
    FcSpec spec = new FcSpec(D, width, 2, 3, act, p, 1.5, 0.2);
    double sum = 0;
    for (long seed = 1; seed <= 3; seed++) {
      sum += relativeError(EmpiricalKernels.ntk(FcNetwork.initialize(spec, seed), x, x), analytic);
    }
    return sum / 3;
  }

  @Test
  void empiricalNtkIsTheJacobianInnerProduct() {
    // Θ(x, x') = (1/k) Σ_c ∇θ f_c(x) · ∇θ f_c(x'), each gradient from backpropagation of
    // L = f_c(x) (a single-row batch with output gradient e_c)
    FcSpec spec = new FcSpec(4, 5, 2, 3, Activation.ERF, Parameterization.STANDARD, 1.3, 0.4);
    FcNetwork net = FcNetwork.initialize(spec, 2);
    Matrix x = FiniteFixtures.sphere(3, 4, 9);
    // a distinct second argument takes the two-set path
    Matrix theta = EmpiricalKernels.ntk(net, x, x.copy());
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double s = 0;
        for (int c = 0; c < 3; c++) {
          double[] gi = jacobianRow(net, x.rowRange(i, i + 1), c);
          double[] gj = jacobianRow(net, x.rowRange(j, j + 1), c);
          for (int q = 0; q < gi.length; q++) {
            s += gi[q] * gj[q];
          }
        }
        assertEquals(s / 3, theta.get(i, j), 1e-12 * Math.abs(s));
      }
    }
  }

  private static double[] jacobianRow(FcNetwork net, Matrix x, int c) {
    Matrix g = Matrix.zeros(1, net.spec().outputs());
    g.set(0, c, 1.0);
    double[][] blocks = net.newGradientBlocks();
    net.backward(net.forward(x), g, blocks, null);
    return new FcNetwork.Gradient(0, blocks).flat();
  }

  @Test
  void monteCarloNngpApproachesTheAnalyticNngp() {
    Matrix x = FiniteFixtures.sphere(6, D, 1);
    FcArchitecture arch = new FcArchitecture(2, Activation.RELU, 1.5, 0.2, Parameterization.NTK, 0);
    Matrix analytic = NeuralKernels.fc(arch, x, x).nngpTrainTrain();
    double[] errors = new double[2];
    int[] samples = {10, 200};
    for (int i = 0; i < 2; i++) {
      FcSpec spec = new FcSpec(D, 256, 2, 10, Activation.RELU, Parameterization.NTK, 1.5, 0.2);
      errors[i] = relativeError(EmpiricalKernels.nngp(spec, x, x, samples[i], 3), analytic);
    }
    System.out.printf(
        "Monte-Carlo NNGP relu depth 2 width 256: relative error %.4f with 10 samples, %.4f with"
            + " 200%n",
        errors[0], errors[1]);
    assertTrue(errors[1] < 0.05, "relative error " + errors[1] + " with 200 samples");
    assertTrue(errors[1] < 0.6 * errors[0], "200 samples: " + errors[1] + ", 10: " + errors[0]);
  }

  /**
   * The output covariance of wide random networks with a parameterized activation, through the
   * finite network's φ, against the analytic NNGP of the same architecture: width 1024, one hidden
   * layer, 64 outputs, 300 initializations. With one hidden layer the expected covariance is the
   * NNGP at any width (the pre-activations are exactly Gaussian), so the error is sampling, ≈
   * √(2/(300·64)) ≈ 1% per entry. Measured relative Frobenius errors: 0.015 (erf(a=2, b=0.5,
   * c=0.3)), 0.016 (leaky_relu(alpha=0.1)), 0.015 (sin(a=1.5, b=0.7, c=0.4)), 0.019
   * (rbf(gamma=0.5)). The NNGP of the same kind without the parameter is 0.11–0.25 away, so a
   * parameter lost on either side would fail. The kinds without a closed form, whose NNGP is
   * Gauss–Hermite quadrature of degree 25 (error ≤ 1e-3 here, below the sampling error): 0.016
   * (tanh; erf, its closed-form lookalike, is 0.11 away), 0.017 (elu; relu 0.47 away), 0.019
   * (elu(alpha=0.5); elu 0.22 away), 0.018 (selu; elu 0.46 away).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "erf(a=2, b=0.5, c=0.3); erf(a=2, b=0.5)",
        "leaky_relu(alpha=0.1); relu",
        "sin(a=1.5, b=0.7, c=0.4); sin(a=1.5, b=0.7)",
        "rbf(gamma=0.5); rbf",
        "tanh; erf",
        "elu; relu",
        "elu(alpha=0.5); elu",
        "selu; elu",
      })
  void monteCarloNngpOfParameterizedActivations(Activation act, Activation neighbour) {
    Matrix x = FiniteFixtures.sphere(6, D, 1);
    Matrix analytic = nngp(act, x);
    long start = System.nanoTime();
    FcSpec spec = new FcSpec(D, 1024, 1, 64, act, Parameterization.NTK, 1.5, 0.2);
    Matrix mc = EmpiricalKernels.nngp(spec, x, x, 300, 3);
    double error = relativeError(mc, analytic);
    double off = relativeError(mc, nngp(neighbour, x));
    System.out.printf(
        "Monte-Carlo NNGP %s width 1024, 300 samples: relative error %.4f, %.4f against %s (%.1f s)%n",
        act.id(), error, off, neighbour.id(), (System.nanoTime() - start) * 1e-9);
    assertTrue(error < 0.04, "relative error " + error);
    assertTrue(off > 0.08, "only " + off + " from the NNGP of " + neighbour.id());
  }

  private static Matrix nngp(Activation act, Matrix x) {
    FcArchitecture arch = new FcArchitecture(1, act, 1.5, 0.2, Parameterization.NTK, 0);
    return NeuralKernels.fc(arch, x, x).nngpTrainTrain();
  }
}
