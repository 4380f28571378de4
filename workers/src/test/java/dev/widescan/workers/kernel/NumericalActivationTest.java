package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Gauss–Hermite fallback ({@link Layers#numerical}) against the closed forms of the smooth
 * activations, through a depth-3 network, so a user's activation without a closed form gets the
 * same kernels; and the fallback's accuracy grows with its degree. Activations that saturate (erf,
 * GELU) grow like e^(β²y²) off the real axis, which slows Gauss–Hermite convergence to algebraic:
 * degree 48 leaves ~1e-4 on erf, degree 150 ~1e-8 to 1e-6; sin, cos and RBF converge to rounding by
 * degree 48.
 */
class NumericalActivationTest {
  private static final double TOLERANCE = 1e-6;
  private static final int DEGREE = 150;

  static Stream<Nonlinearity> smooth() {
    return Stream.of(
        Layers.erf(),
        Layers.erf(2.0, 0.5, 0.3),
        Layers.gelu(),
        Layers.sin(),
        Layers.sin(1.5, 0.7, 0.4),
        Layers.cos(),
        Layers.cos(0.8, 1.2, -0.3),
        Layers.rbf(0.5),
        Layers.identity());
  }

  private static Layer network(Layer act) {
    return Layers.serial(
        Layers.dense(1.3, 0.2, Parameterization.NTK, 0),
        act,
        Layers.dense(1.2, 0.1, Parameterization.NTK, 0),
        act,
        Layers.dense(1.0, 0.1, Parameterization.NTK, 0));
  }

  @ParameterizedTest
  @MethodSource("smooth")
  void quadratureMatchesTheClosedForm(Nonlinearity act) {
    Matrix x = MonteCarloNtkTest.gaussian(new SplittableRandom(9), 6, 10);
    KernelState exact = network(act).apply(KernelState.ofInputs(x));
    Nonlinearity numeric = Layers.numerical(act::apply, act::derivative, DEGREE);
    KernelState approx = network(numeric).apply(KernelState.ofInputs(x));
    double nngp = maxRelative(approx.nngp(), exact.nngp());
    double ntk = maxRelative(approx.ntk(), exact.ntk());
    System.out.printf(
        "Gauss–Hermite degree %d vs closed form %s: max |Δ|/max|K| NNGP %.2e, NTK %.2e%n",
        DEGREE, act, nngp, ntk);
    assertTrue(nngp < TOLERANCE, "NNGP " + nngp);
    assertTrue(ntk < TOLERANCE, "NTK " + ntk);
  }

  @Test
  void accuracyGrowsWithDegree() {
    Matrix x = MonteCarloNtkTest.gaussian(new SplittableRandom(9), 8, 10);
    KernelState exact = network(Layers.gelu()).apply(KernelState.ofInputs(x));
    Nonlinearity gelu = Layers.gelu();
    double coarse =
        maxRelative(
            network(Layers.numerical(gelu::apply, gelu::derivative, 4))
                .apply(KernelState.ofInputs(x))
                .nngp(),
            exact.nngp());
    double fine =
        maxRelative(
            network(Layers.numerical(gelu::apply, gelu::derivative, 32))
                .apply(KernelState.ofInputs(x))
                .nngp(),
            exact.nngp());
    assertTrue(fine < coarse, "degree 32: " + fine + ", degree 4: " + coarse);
  }

  /**
   * tanh, the commonest activation without a closed form, at the default degree 25 against degree
   * 100 (whose own error is below 2e-5, see {@link ClosedFormQuadratureTest}) through the depth-3
   * network (variances up to ~3.5): measured max |Δ|/max|K| 5.7e-3 on the NNGP and 6.3e-2 on the
   * NTK, whose Ṫ carries tanh′ = 1/cosh², which converges slower than tanh itself, and compounds
   * over the layers. Degree 25 is neural-tangents' default; a sweep that needs a tighter NTK asks
   * for {@code tanh(deg=50)} or more.
   */
  @Test
  void tanhAtTheDefaultDegreeIsCloseToAFineQuadrature() {
    Matrix x = MonteCarloNtkTest.gaussian(new SplittableRandom(9), 6, 10);
    KernelState coarse = network(Layers.activation(Activation.TANH)).apply(KernelState.ofInputs(x));
    KernelState fine =
        network(Layers.activation(Activation.TANH.withQuadratureDegree(100)))
            .apply(KernelState.ofInputs(x));
    double nngp = maxRelative(coarse.nngp(), fine.nngp());
    double ntk = maxRelative(coarse.ntk(), fine.ntk());
    System.out.printf(
        "tanh depth 3, Gauss–Hermite degree 25 vs 100: max |Δ|/max|K| NNGP %.2e, NTK %.2e%n",
        nngp, ntk);
    assertTrue(nngp < 1e-2, "NNGP " + nngp);
    assertTrue(ntk < 0.1, "NTK " + ntk);
  }

  /**
   * The rule is not symmetric in its two examples, so the layer orders them by variance: an entry
   * of the test × train block equals, to the bit, the same pair's entry of the train × train block,
   * where the other example may have been the row. A pair of one example twice (the test set
   * repeats the training set, reversed) agrees to rounding: there the symmetric block's diagonal is
   * the 1-D variance. φ = ELU, whose kink would show any asymmetry at ~1e-3.
   */
  @Test
  void anEntryIsTheSameWhicheverBlockComputesIt() {
    int n = 12;
    Matrix train = MonteCarloNtkTest.gaussian(new SplittableRandom(5), n, 10);
    Matrix test = Matrix.zeros(n, 10);
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 10; c++) {
        train.set(i, c, train.get(i, c) * (0.5 + 0.15 * i));
      }
    }
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 10; c++) {
        test.set(i, c, train.get(n - 1 - i, c));
      }
    }
    Nonlinearity elu =
        Layers.numerical(v -> v > 0 ? v : Math.expm1(v), v -> v > 0 ? 1 : Math.exp(v), 25);
    KernelBlocks blocks = NeuralKernels.compute(network(elu), train, test);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int same = n - 1 - i;
        double k = blocks.nngpTrainTrain().get(same, j);
        double theta = blocks.ntkTrainTrain().get(same, j);
        double tolerance = j == same ? 1e-14 : 0.0;
        assertEquals(k, blocks.nngpTestTrain().get(i, j), tolerance * k, "NNGP " + i + ", " + j);
        assertEquals(
            theta, blocks.ntkTestTrain().get(i, j), tolerance * theta, "NTK " + i + ", " + j);
      }
    }
  }

  /** max |a − e| over the block divided by max |e|. */
  private static double maxRelative(Matrix a, Matrix e) {
    double worst = 0;
    double scale = 0;
    for (int i = 0; i < e.data().length; i++) {
      worst = Math.max(worst, Math.abs(a.data()[i] - e.data()[i]));
      scale = Math.max(scale, Math.abs(e.data()[i]));
    }
    return worst / scale;
  }
}
