package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Parameterization;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused pipeline of {@link SpatialEngine} (networks without pooling, read out by global average
 * pooling: window sums by image rows with shifted copies, pointwise layers per pixel row) against
 * the plain layer-by-layer stencils on whole pixels² arrays, and the invariants the engine
 * promises: tiles assemble bit for bit, symmetric blocks are bit-symmetric, the diagonal equals the
 * block's.
 */
class SpatialEngineTest {
  private static final double RELATIVE = 1e-12;

  static Stream<Arguments> networks() {
    String relu = "relu";
    String erf = "erf(a=1.0, b=0.7, c=0.1)";
    return Stream.of(
        Arguments.of(
            "3x3 same relu ×3",
            new ImageShape(7, 5, 2),
            List.of(
                conv(3, 3, 1, "same"),
                relu,
                conv(3, 3, 1, "same"),
                relu,
                conv(3, 3, 1, "same"),
                relu,
                "global_avg_pool",
                "dense(W_std=1.2, b_std=0.3)"),
            Parameterization.NTK),
        Arguments.of(
            "relu on the input, 2x4 and 5x3 same, erf",
            new ImageShape(6, 6, 1),
            List.of(
                relu,
                conv(2, 4, 1, "same"),
                erf,
                conv(5, 3, 1, "same"),
                erf,
                "global_avg_pool",
                "dense(W_std=1.0, b_std=0.0)"),
            Parameterization.NTK),
        Arguments.of(
            "valid, strided and circular, standard",
            new ImageShape(8, 7, 3),
            List.of(
                conv(3, 3, 1, "valid"),
                relu,
                conv(3, 2, 2, "same"),
                relu,
                conv(3, 3, 1, "circular"),
                relu,
                "global_avg_pool",
                "dense(W_std=1.0, b_std=0.0)"),
            Parameterization.STANDARD));
  }

  private static String conv(int kh, int kw, int stride, String padding) {
    return "conv(filter="
        + kh
        + "x"
        + kw
        + ", strides="
        + stride
        + "x"
        + stride
        + ", padding="
        + padding
        + ", W_std=1.5, b_std=0.2)";
  }

  private static ConvNetwork network(
      List<String> layers, ImageShape shape, Parameterization parameterization) {
    Architecture arch = Architecture.parse(layers, 1.3, 0.1);
    return (ConvNetwork) NeuralKernels.network(arch, parameterization, 16, shape);
  }

  private static Matrix images(int n, ImageShape shape, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = new double[n * shape.features()];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextGaussian();
    }
    return new Matrix(n, shape.features(), x);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void fusedPipelineMatchesTheLayerByLayerStencils(
      String name, ImageShape shape, List<String> layers, Parameterization parameterization) {
    ConvNetwork net = network(layers, shape, parameterization);
    assertTrue(SpatialEngine.fused(net), name + " should run fused");
    Matrix x = images(5, shape, 11);
    Matrix y = images(3, shape, 12);
    for (boolean symmetric : new boolean[] {true, false}) {
      Matrix cols = symmetric ? x : y;
      KernelState fused = SpatialEngine.block(net, x, cols, symmetric);
      KernelState plain = SpatialEngine.blockLayerByLayer(net, x, cols, symmetric);
      assertClose(plain.nngp(), fused.nngp(), name + " nngp");
      assertClose(plain.ntk(), fused.ntk(), name + " ntk");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void tilesAssembleBitForBitAndBlocksAreBitSymmetric(
      String name, ImageShape shape, List<String> layers, Parameterization parameterization) {
    assertTilesAssemble(network(layers, shape, parameterization), shape, 6, 2);
  }

  /** CNN-VEC, on more columns than one pass of the diagonal path takes. */
  @Test
  void spatialDiagonalTilesAssembleBitForBit() {
    ImageShape shape = new ImageShape(6, 5, 2);
    ConvNetwork net =
        network(
            List.of(
                conv(3, 3, 1, "same"),
                "relu",
                conv(3, 3, 1, "same"),
                "relu",
                "flatten",
                "dense(W_std=1.1, b_std=0.2)"),
            shape,
            Parameterization.NTK);
    assertTrue(!net.fullSpatial());
    assertTilesAssemble(net, shape, 150, 70);
  }

  /** The n × n block against its tiles split at {@code split}, its symmetry and its diagonal. */
  private static void assertTilesAssemble(ConvNetwork net, ImageShape shape, int n, int split) {
    Matrix x = images(n, shape, 21);
    KernelState whole = NeuralKernels.tile(net, x, 0, n, 0, n);
    KernelState upper = NeuralKernels.tile(net, x, 0, split, split, n);
    KernelState first = NeuralKernels.tile(net, x, 0, split, 0, split);
    KernelState second = NeuralKernels.tile(net, x, split, n, split, n);
    double[][] diagonal = NeuralKernels.diagonal(net, x);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(whole.nngp().get(j, i), whole.nngp().get(i, j), 0.0, "nngp symmetric");
        assertEquals(whole.ntk().get(j, i), whole.ntk().get(i, j), 0.0, "ntk symmetric");
        KernelState tile = i < split ? (j < split ? first : upper) : (j < split ? null : second);
        if (tile != null) {
          int r = i < split ? i : i - split;
          int c = j < split ? j : j - split;
          assertEquals(whole.nngp().get(i, j), tile.nngp().get(r, c), 0.0, "nngp tile");
          assertEquals(whole.ntk().get(i, j), tile.ntk().get(r, c), 0.0, "ntk tile");
        }
      }
      assertEquals(whole.nngp().get(i, i), diagonal[0][i], 0.0, "NNGP diagonal");
      assertEquals(whole.ntk().get(i, i), diagonal[1][i], 0.0, "NTK diagonal");
      assertEquals(whole.nngp().get(i, i), whole.var1()[i], 0.0, "variance");
    }
  }

  private static void assertClose(Matrix expected, Matrix actual, String what) {
    for (int i = 0; i < expected.rows(); i++) {
      for (int j = 0; j < expected.cols(); j++) {
        double e = expected.get(i, j);
        double a = actual.get(i, j);
        assertEquals(e, a, RELATIVE * Math.abs(e) + 1e-15, what + "[" + i + "][" + j + "]");
      }
    }
  }
}
