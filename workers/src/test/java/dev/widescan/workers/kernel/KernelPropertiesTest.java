package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Structural properties every kernel must have, and the Dense layer's formulas. */
class KernelPropertiesTest {

  /** 20 inputs in 30 dimensions, two of them nearly parallel to others, one exactly repeated. */
  private static Matrix inputs() {
    SplittableRandom random = new SplittableRandom(3);
    int n = 20;
    int d = 30;
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    for (int j = 0; j < d; j++) {
      x[17 * d + j] = 2.0 * x[j] + 1e-7 * x[5 * d + j];
      x[18 * d + j] = -x[d + j];
      x[19 * d + j] = x[2 * d + j];
    }
    return new Matrix(n, d, x);
  }

  static Stream<Arguments> architectures() {
    Stream.Builder<Arguments> out = Stream.builder();
    for (Activation a : Activation.values()) {
      for (Parameterization p : Parameterization.values()) {
        for (int depth : new int[] {1, 4}) {
          out.add(Arguments.of(new FcArchitecture(depth, a, 1.4, 0.2, p, 64)));
        }
      }
    }
    return out.build();
  }

  @ParameterizedTest
  @MethodSource("architectures")
  void kernelsAreSymmetricPositiveSemiDefinite(FcArchitecture arch) {
    KernelState state = arch.network().apply(KernelState.ofInputs(inputs()));
    for (Matrix k : new Matrix[] {state.nngp(), state.ntk()}) {
      for (int i = 0; i < k.rows(); i++) {
        for (int j = 0; j < i; j++) {
          assertEquals(k.get(j, i), k.get(i, j), 0.0, "entry (" + i + ", " + j + ")");
        }
      }
      double[] eig = Blas.eigh(k).values();
      double max = eig[eig.length - 1];
      assertTrue(max > 0, "largest eigenvalue " + max);
      assertTrue(eig[0] >= -1e-10 * max, "smallest eigenvalue " + eig[0] + " with largest " + max);
    }
    assertArrayEquals(state.nngp().diagonal(), state.var1(), 0.0, "diagonal vs variances");
  }

  @ParameterizedTest
  @MethodSource("architectures")
  void testTrainBlockAgreesWithTheSymmetricBlocks(FcArchitecture arch) {
    Matrix x = inputs();
    KernelBlocks blocks = NeuralKernels.fc(arch, x, x.rowRange(0, 6));
    Matrix symmetric = blocks.nngpTrainTrain();
    Matrix ntk = blocks.ntkTrainTrain();
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < x.rows(); j++) {
        double scale = Math.abs(symmetric.get(i, i));
        assertEquals(symmetric.get(i, j), blocks.nngpTestTrain().get(i, j), 1e-12 * scale);
        assertEquals(
            ntk.get(i, j), blocks.ntkTestTrain().get(i, j), 1e-12 * Math.abs(ntk.get(i, i)));
      }
      for (int j = 0; j < 6; j++) {
        assertEquals(
            symmetric.get(i, j), blocks.nngpTestTest().get(i, j), 1e-12 * symmetric.get(i, i));
        assertEquals(ntk.get(i, j), blocks.ntkTestTest().get(i, j), 1e-12 * ntk.get(i, i));
      }
    }
  }

  @Test
  void standardDenseAddsInputWidthTimesKernelPlusOneForTheBias() {
    Matrix x = Matrix.of(new double[][] {{1, 2, 2}, {0, -1, 3}});
    KernelState out =
        Layers.dense(2.0, 0.5, Parameterization.STANDARD, 0).apply(KernelState.ofInputs(x));
    // K0 = x·x'/3; K = 4·K0 + 0.25; Θ = 3·K0 + 1 = x·x' + 1.
    assertEquals(4.0 * 9 / 3 + 0.25, out.nngp().get(0, 0), 1e-14);
    assertEquals(4.0 * 4 / 3 + 0.25, out.nngp().get(0, 1), 1e-14);
    assertEquals(9 + 1, out.ntk().get(0, 0), 1e-13);
    assertEquals(4 + 1, out.ntk().get(1, 0), 1e-13);
    assertEquals(10 + 1, out.ntk().get(1, 1), 1e-13);
  }

  @Test
  void ntkDenseAddsTheNewNngpToTheScaledNtk() {
    Matrix x = Matrix.of(new double[][] {{1, 2, 2}, {0, -1, 3}});
    Layer twoLayers =
        Layers.serial(
            Layers.dense(2.0, 0.5, Parameterization.NTK, 0),
            Layers.identity(),
            Layers.dense(3.0, 1.0, Parameterization.NTK, 0));
    KernelState out = twoLayers.apply(KernelState.ofInputs(x));
    double k1 = 4.0 * 4 / 3 + 0.25;
    double k2 = 9 * k1 + 1;
    assertEquals(k2, out.nngp().get(0, 1), 1e-13);
    assertEquals(k2 + 9 * k1, out.ntk().get(0, 1), 1e-13);
  }

  @Test
  void identityReturnsItsInput() {
    KernelState in = KernelState.ofInputs(inputs());
    assertSame(in, Layers.activation(Activation.IDENTITY).apply(in));
  }

  @Test
  void layersDoNotChangeTheirInput() {
    KernelState in =
        Layers.dense(1.0, 0.1, Parameterization.NTK, 0).apply(KernelState.ofInputs(inputs()));
    double[] nngp = in.nngp().data().clone();
    double[] ntk = in.ntk().data().clone();
    Layers.serial(Layers.relu(), Layers.dense(1.3, 0.2, Parameterization.NTK, 0), Layers.erf())
        .apply(in);
    assertArrayEquals(nngp, in.nngp().data(), 0.0);
    assertArrayEquals(ntk, in.ntk().data(), 0.0);
  }

  @Test
  void rejectsMisuseWithAReason() {
    IllegalArgumentException noWidth =
        assertThrows(
            IllegalArgumentException.class,
            () -> new FcArchitecture(2, Activation.RELU, 1, 0, Parameterization.STANDARD, 0));
    assertTrue(noWidth.getMessage().contains("width"), noWidth.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Layers.dense(-1, 0, Parameterization.NTK, 0));
    assertThrows(
        IllegalArgumentException.class, () -> Layers.dense(1, Double.NaN, Parameterization.NTK, 0));
    KernelState hidden =
        Layers.dense(1, 0, Parameterization.NTK, 0).apply(KernelState.ofInputs(inputs()));
    IllegalArgumentException unknownWidth =
        assertThrows(
            IllegalArgumentException.class,
            () -> Layers.dense(1, 0, Parameterization.STANDARD, 0).apply(hidden));
    assertTrue(unknownWidth.getMessage().contains("input width"), unknownWidth.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NeuralKernels.fc(
                new FcArchitecture(1, Activation.ERF, 1, 0, Parameterization.NTK, 0),
                Matrix.zeros(3, 4),
                Matrix.zeros(2, 5)));
  }
}
