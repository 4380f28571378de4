package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernel layers of parameterized spec activations. */
class ActivationLayersTest {
  private static final double W_STD = 1.4;
  private static final double B_STD = 0.3;

  static Iterable<Activation> examples() {
    return Activation.values();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void layerEvaluatesTheActivationsOwnPhi(Activation a) {
    Nonlinearity layer = Layers.activation(a);
    for (double x = -3.05; x < 3; x += 0.1) {
      assertEquals(a.apply(x), layer.apply(x), 0.0);
      assertEquals(a.derivative(x), layer.derivative(x), 0.0);
    }
    assertEquals(a.id(), layer.toString());
  }

  /**
   * A kind without a closed form is {@link Layers#numerical(Activation, int)} at its own degree, to
   * the bit; another degree gives another kernel.
   */
  @Test
  void numericalKindIsGaussHermiteAtItsDegree() {
    Matrix x = MonteCarloNtkTest.gaussian(new SplittableRandom(4), 7, 12);
    Activation tanh = Activation.parse("tanh(deg=40)");
    KernelState viaSpec =
        new FcArchitecture(2, tanh, W_STD, B_STD, Parameterization.NTK, 0)
            .network()
            .apply(KernelState.ofInputs(x));
    Nonlinearity byHand = Layers.numerical(Activation.TANH, 40);
    KernelState numerical =
        Layers.serial(
                Layers.dense(W_STD, B_STD, Parameterization.NTK, 0),
                byHand,
                Layers.dense(W_STD, B_STD, Parameterization.NTK, 0),
                byHand,
                Layers.dense(W_STD, B_STD, Parameterization.NTK, 0))
            .apply(KernelState.ofInputs(x));
    assertArrayEquals(numerical.nngp().data(), viaSpec.nngp().data(), 0.0);
    assertArrayEquals(numerical.ntk().data(), viaSpec.ntk().data(), 0.0);
    KernelState atDefault =
        new FcArchitecture(2, Activation.TANH, W_STD, B_STD, Parameterization.NTK, 0)
            .network()
            .apply(KernelState.ofInputs(x));
    assertNotEquals(atDefault.ntk().get(0, 1), viaSpec.ntk().get(0, 1));
    assertEquals("ElementwiseNumerical(tanh, degree=40)", byHand.toString());
  }

  @ParameterizedTest
  @EnumSource(Parameterization.class)
  void architectureOfAParsedLeakyReluIsLayersLeakyReluComposedByHand(Parameterization p) {
    Matrix x = MonteCarloNtkTest.gaussian(new SplittableRandom(4), 7, 12);
    Activation leaky = Activation.parse("leaky_relu(alpha=0.2)");
    KernelState viaSpec =
        new FcArchitecture(3, leaky, W_STD, B_STD, p, 64).network().apply(KernelState.ofInputs(x));
    KernelState byHand =
        Layers.serial(
                Layers.dense(W_STD, B_STD, p, 0),
                Layers.leakyRelu(0.2),
                Layers.dense(W_STD, B_STD, p, 64),
                Layers.leakyRelu(0.2),
                Layers.dense(W_STD, B_STD, p, 64),
                Layers.leakyRelu(0.2),
                Layers.dense(W_STD, B_STD, p, 64))
            .apply(KernelState.ofInputs(x));
    assertArrayEquals(byHand.nngp().data(), viaSpec.nngp().data(), 0.0);
    assertArrayEquals(byHand.ntk().data(), viaSpec.ntk().data(), 0.0);
  }

  /**
   * One hidden leaky-ReLU layer in NTK parameterization against the arc-cosine formulas written out
   * (Cho &amp; Saul 2009; neural-tangents' {@code ABRelu(α, 1)}), with θ from arccos rather than
   * the engine's atan2: K₁ = W²·x·x'/d + b², T = (1 − α)²·√(K₁₁K₂₂ − K₁₂²)/(2π) + Ṫ·K₁₂, Ṫ = (1 +
   * α² − (1 − α)²·θ/π)/2, then K₂ = W²·T + b² and Θ₂ = K₂ + W²·K₁·Ṫ.
   */
  @Test
  void leakyReluKernelIsTheArcCosineFormula() {
    double alpha = 0.2;
    Matrix x = Matrix.of(new double[][] {{1.0, 2.0, -0.5}, {0.3, -1.0, 2.5}});
    KernelState out =
        new FcArchitecture(1, Activation.leakyRelu(alpha), W_STD, B_STD, Parameterization.NTK, 0)
            .network()
            .apply(KernelState.ofInputs(x));
    double w2 = W_STD * W_STD;
    double b2 = B_STD * B_STD;
    double k11 = w2 * (1 + 4 + 0.25) / 3 + b2;
    double k22 = w2 * (0.09 + 1 + 6.25) / 3 + b2;
    double k12 = w2 * (0.3 - 2.0 - 1.25) / 3 + b2;
    double theta = Math.acos(k12 / Math.sqrt(k11 * k22));
    double slope = (1 + alpha * alpha - (1 - alpha) * (1 - alpha) * theta / Math.PI) / 2;
    double t12 =
        (1 - alpha) * (1 - alpha) * Math.sqrt(k11 * k22 - k12 * k12) / (2 * Math.PI) + slope * k12;
    double t11 = (1 + alpha * alpha) / 2 * k11;
    assertEquals(w2 * t12 + b2, out.nngp().get(0, 1), 1e-13);
    assertEquals(w2 * t11 + b2, out.nngp().get(0, 0), 1e-13);
    assertEquals(w2 * t12 + b2 + w2 * k12 * slope, out.ntk().get(0, 1), 1e-13);
    assertEquals(w2 * t11 + b2 + w2 * k11 * (1 + alpha * alpha) / 2, out.ntk().get(0, 0), 1e-13);
  }
}
