package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Parameterization;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Structural properties of convolutional kernels, on 8×8×3 images: NNGP and NTK symmetric (bit for
 * bit) and positive semi-definite; tiles, test × train blocks, blocks of the union of the sets and
 * the diagonal agree on every entry they share, bit for bit. The networks cover the full pixel ×
 * pixel state (global average pooling, avg_pool, a Myrtle-like net) and the spatial diagonal
 * (CNN-VEC), SAME / VALID / CIRCULAR padding, strides 2, ReLU, erf and tanh by Gauss–Hermite
 * quadrature, both parameterizations.
 */
class ConvKernelPropertiesTest {
  private static final ImageShape SHAPE = new ImageShape(8, 8, 3);
  private static final int TRAIN = 7;
  private static final int TEST = 4;

  /** A case: its layers in spec syntax (model W_std 1.4, b_std 0.2; width 32 for standard). */
  record Net(String name, List<String> layers, Parameterization p) {
    Layer compile() {
      return NeuralKernels.network(Architecture.parse(layers, 1.4, 0.2), p, 32, SHAPE);
    }

    @Override
    public String toString() {
      return name + " " + p.id();
    }
  }

  static Stream<Net> networks() {
    Stream.Builder<Net> out = Stream.builder();
    for (Parameterization p : Parameterization.values()) {
      out.add(
          new Net(
              "CNN-GAP",
              List.of(
                  "conv(filter=3)",
                  "relu",
                  "conv(filter=3, strides=2)",
                  "erf",
                  "global_avg_pool",
                  "dense"),
              p));
      out.add(
          new Net(
              "CNN-VEC",
              List.of(
                  "conv(filter=3, padding=valid)",
                  "relu",
                  "conv(filter=2x3, strides=2)",
                  "tanh(deg=8)",
                  "conv(filter=3, padding=circular)",
                  "relu",
                  "flatten",
                  "dense"),
              p));
      out.add(
          new Net(
              "Myrtle-like",
              List.of(
                  "conv(filter=3)",
                  "relu",
                  "avg_pool(window=2)",
                  "conv(filter=3)",
                  "relu",
                  "global_avg_pool",
                  "dense"),
              p));
      out.add(
          new Net(
              "pooled",
              List.of(
                  "conv(filter=3, strides=2, padding=valid)",
                  "tanh(deg=8)",
                  "avg_pool(window=3, strides=2, padding=same)",
                  "erf",
                  "flatten",
                  "dense(W_std=0.9, b_std=0.5)"),
              p));
    }
    return out.build();
  }

  /**
   * Seven training images, one of them repeated and one the negative of another (so the kernels are
   * singular or nearly so), and four test images, one of them a training image scaled by 2.
   */
  private static Matrix train() {
    Matrix x = ConvReductionsTest.gaussian(new SplittableRandom(41), TRAIN, SHAPE.features());
    int f = SHAPE.features();
    for (int e = 0; e < f; e++) {
      x.data()[5 * f + e] = x.data()[e];
      x.data()[6 * f + e] = -x.data()[2 * f + e];
    }
    return x;
  }

  private static Matrix test() {
    Matrix x = ConvReductionsTest.gaussian(new SplittableRandom(43), TEST, SHAPE.features());
    int f = SHAPE.features();
    for (int e = 0; e < f; e++) {
      x.data()[3 * f + e] = 2 * train().data()[f + e];
    }
    return x;
  }

  static Stream<Arguments> cases() {
    return networks().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void kernelsAreSymmetricPositiveSemiDefinite(Net net) {
    KernelState state = NeuralKernels.tile(net.compile(), train(), 0, TRAIN, 0, TRAIN);
    for (Matrix k : new Matrix[] {state.nngp(), state.ntk()}) {
      for (int i = 0; i < TRAIN; i++) {
        for (int j = 0; j < i; j++) {
          assertEquals(k.get(j, i), k.get(i, j), 0.0, net + " entry (" + i + ", " + j + ")");
        }
      }
      double[] eig = Blas.eigh(k).values();
      double trace = k.trace();
      assertTrue(trace > 0, net + " trace " + trace);
      System.out.printf(
          "%s %s: smallest eigenvalue / trace %.2g%n",
          net, k == state.nngp() ? "NNGP" : "NTK", eig[0] / trace);
      assertTrue(
          eig[0] >= -1e-12 * trace, net + " smallest eigenvalue " + eig[0] + ", trace " + trace);
      // The repeated image makes the kernel singular: the check above is a real one.
      assertTrue(eig[0] < 1e-10 * trace, net + " smallest eigenvalue " + eig[0]);
    }
    assertArrayEquals(state.nngp().diagonal(), state.var1(), 0.0, net + " variances");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void tilesAssembleToExactlyTheWholeKernel(Net net) {
    Layer layer = net.compile();
    Matrix x = train();
    KernelState whole = NeuralKernels.tile(layer, x, 0, TRAIN, 0, TRAIN);
    int[] bounds = {0, 3, TRAIN};
    double[] k = new double[TRAIN * TRAIN];
    double[] t = new double[TRAIN * TRAIN];
    for (int a = 0; a + 1 < bounds.length; a++) {
      for (int b = a; b + 1 < bounds.length; b++) {
        KernelState tile =
            NeuralKernels.tile(layer, x, bounds[a], bounds[a + 1], bounds[b], bounds[b + 1]);
        for (int i = bounds[a]; i < bounds[a + 1]; i++) {
          for (int j = bounds[b]; j < bounds[b + 1]; j++) {
            double kv = tile.nngp().get(i - bounds[a], j - bounds[b]);
            double tv = tile.ntk().get(i - bounds[a], j - bounds[b]);
            k[i * TRAIN + j] = kv;
            k[j * TRAIN + i] = kv;
            t[i * TRAIN + j] = tv;
            t[j * TRAIN + i] = tv;
          }
        }
      }
    }
    assertArrayEquals(whole.nngp().data(), k, 0.0, net + " NNGP");
    assertArrayEquals(whole.ntk().data(), t, 0.0, net + " NTK");

    Matrix test = test();
    KernelState cross = NeuralKernels.tile(layer, test, 0, TEST, x, 0, TRAIN);
    int[] rows = {0, 1, TEST};
    for (int a = 0; a + 1 < rows.length; a++) {
      for (int b = 0; b + 1 < bounds.length; b++) {
        KernelState tile =
            NeuralKernels.tile(layer, test, rows[a], rows[a + 1], x, bounds[b], bounds[b + 1]);
        for (int i = rows[a]; i < rows[a + 1]; i++) {
          for (int j = bounds[b]; j < bounds[b + 1]; j++) {
            assertEquals(
                cross.nngp().get(i, j),
                tile.nngp().get(i - rows[a], j - bounds[b]),
                0.0,
                net + " NNGP test × train (" + i + ", " + j + ")");
            assertEquals(
                cross.ntk().get(i, j),
                tile.ntk().get(i - rows[a], j - bounds[b]),
                0.0,
                net + " NTK test × train (" + i + ", " + j + ")");
          }
        }
      }
    }
  }

  /**
   * The blocks of {@link NeuralKernels#compute} equal, entry by entry, the kernel of the union of
   * the sets, whichever set comes first in the union (so whichever image of a test × train pair is
   * the row there); and each other: the test × test diagonal, the variances and {@link
   * NeuralKernels#diagonal}.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void blocksAgreeWithTheKernelOfTheUnionBitForBit(Net net) {
    Layer layer = net.compile();
    Matrix train = train();
    Matrix test = test();
    KernelBlocks blocks = NeuralKernels.compute(layer, train, test);
    int f = SHAPE.features();
    for (boolean testFirst : new boolean[] {true, false}) {
      double[] u = new double[(TRAIN + TEST) * f];
      System.arraycopy(test.data(), 0, u, testFirst ? 0 : TRAIN * f, TEST * f);
      System.arraycopy(train.data(), 0, u, testFirst ? TEST * f : 0, TRAIN * f);
      Matrix union = new Matrix(TRAIN + TEST, f, u);
      KernelState all = NeuralKernels.tile(layer, union, 0, TRAIN + TEST, 0, TRAIN + TEST);
      int t0 = testFirst ? 0 : TRAIN;
      int d0 = testFirst ? TEST : 0;
      String where = net + (testFirst ? ", test images first," : ", training images first,");
      for (int i = 0; i < TEST; i++) {
        for (int j = 0; j < TRAIN; j++) {
          assertEquals(
              all.nngp().get(t0 + i, d0 + j),
              blocks.nngpTestTrain().get(i, j),
              0.0,
              where + " NNGP test × train (" + i + ", " + j + ")");
          assertEquals(
              all.ntk().get(t0 + i, d0 + j),
              blocks.ntkTestTrain().get(i, j),
              0.0,
              where + " NTK test × train (" + i + ", " + j + ")");
        }
        for (int j = 0; j < TEST; j++) {
          assertEquals(
              all.nngp().get(t0 + i, t0 + j),
              blocks.nngpTestTest().get(i, j),
              0.0,
              where + " NNGP test (" + i + ", " + j + ")");
          assertEquals(
              all.ntk().get(t0 + i, t0 + j),
              blocks.ntkTestTest().get(i, j),
              0.0,
              where + " NTK test (" + i + ", " + j + ")");
        }
      }
      for (int i = 0; i < TRAIN; i++) {
        for (int j = 0; j < TRAIN; j++) {
          assertEquals(
              all.nngp().get(d0 + i, d0 + j),
              blocks.nngpTrainTrain().get(i, j),
              0.0,
              where + " NNGP train (" + i + ", " + j + ")");
          assertEquals(
              all.ntk().get(d0 + i, d0 + j),
              blocks.ntkTrainTrain().get(i, j),
              0.0,
              where + " NTK train (" + i + ", " + j + ")");
        }
      }
    }

    double[][] diagonal = NeuralKernels.diagonal(layer, test);
    assertArrayEquals(blocks.nngpTestTest().diagonal(), diagonal[0], 0.0, net + " NNGP diagonal");
    assertArrayEquals(blocks.ntkTestTest().diagonal(), diagonal[1], 0.0, net + " NTK diagonal");
    KernelBlocks onlyDiagonal = NeuralKernels.compute(layer, train, test, TestBlock.DIAGONAL);
    assertArrayEquals(diagonal[0], onlyDiagonal.nngpTestDiagonal(), 0.0, net + " NNGP diagonal");
    assertArrayEquals(diagonal[1], onlyDiagonal.ntkTestDiagonal(), 0.0, net + " NTK diagonal");
    KernelState cross = NeuralKernels.tile(layer, test, 0, TEST, train, 0, TRAIN);
    assertArrayEquals(diagonal[0], cross.var1(), 0.0, net + " test variances");
    assertArrayEquals(
        blocks.nngpTrainTrain().diagonal(), cross.var2(), 0.0, net + " train variances");
  }

  /**
   * K(x, x') and K(x', x) computed in two different blocks, x a row in one and a column in the
   * other, are the same number: a kernel entry must not depend on which block computed it.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void swappingTheSetsTransposesTheBlockBitForBit(Net net) {
    Layer layer = net.compile();
    KernelState ab = NeuralKernels.tile(layer, test(), 0, TEST, train(), 0, TRAIN);
    KernelState ba = NeuralKernels.tile(layer, train(), 0, TRAIN, test(), 0, TEST);
    Matrix baT = new Matrix(TEST, TRAIN, new double[TEST * TRAIN]);
    Matrix baThetaT = new Matrix(TEST, TRAIN, new double[TEST * TRAIN]);
    for (int i = 0; i < TEST; i++) {
      for (int j = 0; j < TRAIN; j++) {
        baT.set(i, j, ba.nngp().get(j, i));
        baThetaT.set(i, j, ba.ntk().get(j, i));
      }
    }
    double worst =
        Math.max(
            ConvReductionsTest.relativeDifference(ab.nngp(), baT),
            ConvReductionsTest.relativeDifference(ab.ntk(), baThetaT));
    System.out.printf(
        "%s: K(x, x') against K(x', x): largest relative difference %.3g%n", net, worst);
    assertArrayEquals(ab.nngp().data(), baT.data(), 0.0, net + " NNGP");
    assertArrayEquals(ab.ntk().data(), baThetaT.data(), 0.0, net + " NTK");
  }
}
