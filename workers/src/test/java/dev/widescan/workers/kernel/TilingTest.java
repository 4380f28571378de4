package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tiles assemble to exactly the kernel computed whole; the fused chain equals the layers applied
 * one by one; the test × test diagonal equals the full block's diagonal. All bit for bit.
 */
class TilingTest {
  private static final int N = 700;
  private static final int[] BOUNDS = {0, 1, 130, 512, 513, 700};

  private static Matrix inputs(int n, long seed) {
    return MonteCarloNtkTest.gaussian(new SplittableRandom(seed), n, 40);
  }

  private static Layer network(Activation a, Parameterization p) {
    return new FcArchitecture(3, a, 1.4, 0.3, p, 256).network();
  }

  /**
   * ReLU's closed form, and tanh by Gauss–Hermite quadrature, at a low degree to keep 700 × 700
   * cheap: the engine's bits do not depend on it.
   */
  static Stream<Arguments> networks() {
    return Stream.of(
        Arguments.of(Activation.RELU, Parameterization.NTK),
        Arguments.of(Activation.RELU, Parameterization.STANDARD),
        Arguments.of(Activation.TANH.withQuadratureDegree(6), Parameterization.NTK));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("networks")
  void tilesAssembleToExactlyTheWholeKernel(Activation act, Parameterization p) {
    Matrix x = inputs(N, 1);
    Layer net = network(act, p);
    KernelState whole = NeuralKernels.tile(net, x, 0, N, 0, N);
    double[] k = new double[N * N];
    double[] t = new double[N * N];
    for (int a = 0; a + 1 < BOUNDS.length; a++) {
      for (int b = a; b + 1 < BOUNDS.length; b++) {
        int r0 = BOUNDS[a];
        int r1 = BOUNDS[a + 1];
        int c0 = BOUNDS[b];
        int c1 = BOUNDS[b + 1];
        KernelState tile = NeuralKernels.tile(net, x, r0, r1, c0, c1);
        for (int i = r0; i < r1; i++) {
          for (int j = c0; j < c1; j++) {
            double kv = tile.nngp().get(i - r0, j - c0);
            double tv = tile.ntk().get(i - r0, j - c0);
            k[i * N + j] = kv;
            k[j * N + i] = kv;
            t[i * N + j] = tv;
            t[j * N + i] = tv;
          }
        }
      }
    }
    assertArrayEquals(whole.nngp().data(), k, 0.0, "NNGP");
    assertArrayEquals(whole.ntk().data(), t, 0.0, "NTK");
  }

  @ParameterizedTest
  @ValueSource(strings = {"relu", "tanh(deg=6)"})
  void crossTilesAssembleToExactlyTheWholeBlock(Activation act) {
    Matrix train = inputs(N, 2);
    Matrix test = inputs(300, 3);
    Layer net = network(act, Parameterization.NTK);
    KernelState whole = NeuralKernels.tile(net, test, 0, 300, train, 0, N);
    for (int[] r : new int[][] {{0, 7}, {7, 300}}) {
      for (int a = 0; a + 1 < BOUNDS.length; a++) {
        KernelState tile =
            NeuralKernels.tile(net, test, r[0], r[1], train, BOUNDS[a], BOUNDS[a + 1]);
        for (int i = r[0]; i < r[1]; i++) {
          for (int j = BOUNDS[a]; j < BOUNDS[a + 1]; j++) {
            assertArrayEquals(
                new double[] {whole.nngp().get(i, j), whole.ntk().get(i, j)},
                new double[] {
                  tile.nngp().get(i - r[0], j - BOUNDS[a]), tile.ntk().get(i - r[0], j - BOUNDS[a])
                },
                0.0,
                "entry (" + i + ", " + j + ")");
          }
        }
      }
    }
  }

  @Test
  void fusedChainEqualsLayersAppliedOneByOne() {
    Matrix x = inputs(60, 4);
    Layer[] layers = {
      Layers.dense(1.2, 0.1, Parameterization.NTK, 0),
      Layers.gelu(),
      Layers.dense(1.1, 0.2, Parameterization.STANDARD, 64),
      Layers.erf(1.5, 0.8, 0.1),
      Layers.dense(0.9, 0.0, Parameterization.NTK, 0),
      Layers.numerical(Math::tanh, v -> 1 - Math.tanh(v) * Math.tanh(v), 12),
      Layers.dense(1.0, 0.3, Parameterization.NTK, 0),
    };
    KernelState fused = NeuralKernels.tile(Layers.serial(layers), x, 0, 60, 0, 60);
    KernelState stepwise = KernelState.ofInputs(x);
    for (Layer l : layers) {
      stepwise = l.apply(stepwise);
    }
    assertArrayEquals(stepwise.nngp().data(), fused.nngp().data(), 0.0);
    assertArrayEquals(stepwise.ntk().data(), fused.ntk().data(), 0.0);
    assertArrayEquals(stepwise.var1(), fused.var1(), 0.0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"erf", "tanh"})
  void testDiagonalEqualsTheFullBlocksDiagonal(Activation a) {
    Matrix train = inputs(50, 5);
    Matrix test = inputs(30, 6);
    FcArchitecture arch = new FcArchitecture(2, a, 1.3, 0.2, Parameterization.NTK, 0);
    KernelBlocks full = NeuralKernels.fc(arch, train, test, TestBlock.FULL);
    KernelBlocks diagonal = NeuralKernels.fc(arch, train, test, TestBlock.DIAGONAL);
    assertNull(diagonal.nngpTestTest());
    assertArrayEquals(full.nngpTestTest().diagonal(), diagonal.nngpTestDiagonal(), 0.0);
    assertArrayEquals(full.ntkTestTest().diagonal(), diagonal.ntkTestDiagonal(), 0.0);
    assertArrayEquals(full.nngpTestTrain().data(), diagonal.nngpTestTrain().data(), 0.0);
  }

  @Test
  void rejectsPartlyOverlappingTiles() {
    Matrix x = inputs(20, 7);
    assertThrows(
        IllegalArgumentException.class,
        () -> NeuralKernels.tile(network(Activation.RELU, Parameterization.NTK), x, 0, 10, 5, 15));
    assertThrows(
        IllegalArgumentException.class,
        () -> NeuralKernels.tile(network(Activation.RELU, Parameterization.NTK), x, 0, 21, 0, 21));
  }
}
