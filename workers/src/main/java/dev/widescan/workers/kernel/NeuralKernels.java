package dev.widescan.workers.kernel;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.arch.LayerTerm;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Parameterization;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point: the infinite-width NNGP and NTK of a network on a train and a test set, following
 * neural-tangents' conventions (input kernel K₀ = x·x'/d, Θ₀ = 0; layers as in {@link Layers}).
 *
 * <p>Every block is computed from its own inputs only, so a large kernel is a set of tiles ({@link
 * #tile}) whose memory is bounded by the tile, not by n; tiles assemble to exactly the kernel
 * computed whole (same OpenBLAS build, CPU and thread count, see {@link PointwiseEngine}). Networks
 * made of Dense layers and activations run fused: K₀ by DGEMM in fixed panels, then all layers per
 * entry in one multi-threaded pass.
 */
public final class NeuralKernels {
  private NeuralKernels() {}

  /**
   * All six kernel blocks of a fully-connected network. The two symmetric blocks are computed on
   * their upper triangles; the test × train block's variances come from the same arithmetic as the
   * other two blocks' diagonals, so the three agree to the last bit on what they share.
   *
   * @param xTrain n × d, one example per row
   * @param xTest m × d
   */
  public static KernelBlocks fc(FcArchitecture arch, Matrix xTrain, Matrix xTest) {
    return compute(arch.network(), xTrain, xTest, TestBlock.FULL);
  }

  /** As {@link #fc(FcArchitecture, Matrix, Matrix)}, with the test × test part as asked. */
  public static KernelBlocks fc(
      FcArchitecture arch, Matrix xTrain, Matrix xTest, TestBlock testBlock) {
    return compute(arch.network(), xTrain, xTest, testBlock);
  }

  /**
   * The kernel-space network of an architecture: a fused chain of Dense layers and activations when
   * no layer is spatial (on images, the input flattened: K₀ = x·x'/d), else a {@link ConvNetwork}
   * for images of {@code shape}.
   *
   * @param width the hidden layers' finite width (channels of conv layers), or 0 for the
   *     infinite-width limit, which only the NTK parameterization allows
   * @param shape the input images' shape, or null for vector inputs
   * @throws IllegalArgumentException naming the layer that cannot be built or does not fit
   */
  public static Layer network(
      Architecture arch, Parameterization parameterization, int width, ImageShape shape) {
    if (arch.spatial()) {
      return ConvNetwork.compile(arch, parameterization, width, shape);
    }
    List<Layer> layers = new ArrayList<>();
    boolean first = true;
    for (LayerTerm t : arch.layers()) {
      if (t instanceof LayerTerm.Dense d) {
        if (!first && width == 0 && parameterization == Parameterization.STANDARD) {
          throw new IllegalArgumentException(
              "the standard-parameterization NTK depends on the hidden width (Θ ← N·K + 1 + W²Θ);"
                  + " give a finite width, not 0 (infinite)");
        }
        layers.add(
            Layers.dense(
                d.wStd() == null ? arch.wStd() : d.wStd(),
                d.bStd() == null ? arch.bStd() : d.bStd(),
                parameterization,
                first ? 0 : width));
        first = false;
      } else if (t instanceof LayerTerm.Act a) {
        layers.add(Layers.activation(a.activation()));
      }
    }
    return Layers.serial(layers.toArray(Layer[]::new));
  }

  /** All six kernel blocks of any kernel-space network. */
  public static KernelBlocks compute(Layer network, Matrix xTrain, Matrix xTest) {
    return compute(network, xTrain, xTest, TestBlock.FULL);
  }

  /**
   * The train × train and test × train blocks of any kernel-space network, and the test × test
   * block or only its diagonal.
   */
  public static KernelBlocks compute(
      Layer network, Matrix xTrain, Matrix xTest, TestBlock testBlock) {
    if (xTrain.cols() != xTest.cols()) {
      throw new IllegalArgumentException(
          "train inputs are "
              + xTrain.shape()
              + " but test inputs are "
              + xTest.shape()
              + "; they need the same feature count");
    }
    if (testBlock == null) {
      throw new IllegalArgumentException("testBlock must be given (DIAGONAL or FULL)");
    }
    KernelState trainTrain = symmetric(network, xTrain);
    KernelState testTrain = cross(network, xTest, xTrain);
    if (testBlock == TestBlock.FULL) {
      KernelState testTest = symmetric(network, xTest);
      return new KernelBlocks(
          trainTrain.nngp(),
          testTrain.nngp(),
          testTest.nngp(),
          trainTrain.ntk(),
          testTrain.ntk(),
          testTest.ntk());
    }
    double[][] diagonal = diagonal(network, xTest);
    return new KernelBlocks(
        trainTrain.nngp(),
        testTrain.nngp(),
        null,
        trainTrain.ntk(),
        testTrain.ntk(),
        null,
        diagonal[0],
        diagonal[1]);
  }

  /**
   * One tile of the kernel of the examples {@code x} with themselves: rows {@code [rowFrom, rowTo)}
   * × columns {@code [colFrom, colTo)}. A tile on the diagonal (equal ranges) is symmetric and
   * computes its upper triangle only; a tile off it (disjoint ranges) is a plain block, of which a
   * tiling needs only those above the diagonal (the others are their transposes).
   *
   * @throws IllegalArgumentException if the ranges fall outside x, or overlap without being equal
   *     (tile a symmetric kernel on one grid of boundaries for rows and columns)
   */
  public static KernelState tile(
      Layer network, Matrix x, int rowFrom, int rowTo, int colFrom, int colTo) {
    checkRange("row", rowFrom, rowTo, x);
    checkRange("column", colFrom, colTo, x);
    if (rowFrom == colFrom && rowTo == colTo) {
      return symmetric(network, x.rowRange(rowFrom, rowTo));
    }
    if (rowFrom < colTo && colFrom < rowTo) {
      throw new IllegalArgumentException(
          "rows ["
              + rowFrom
              + ", "
              + rowTo
              + ") and columns ["
              + colFrom
              + ", "
              + colTo
              + ") overlap without being equal; tile a symmetric kernel on one grid of"
              + " boundaries for rows and columns");
    }
    return cross(network, x.rowRange(rowFrom, rowTo), x.rowRange(colFrom, colTo));
  }

  /**
   * One tile of the kernel between two different example sets (e.g. test × train): rows {@code
   * [rowFrom, rowTo)} of {@code xRows} × rows {@code [colFrom, colTo)} of {@code xCols}.
   */
  public static KernelState tile(
      Layer network, Matrix xRows, int rowFrom, int rowTo, Matrix xCols, int colFrom, int colTo) {
    checkRange("row", rowFrom, rowTo, xRows);
    checkRange("column", colFrom, colTo, xCols);
    if (xRows.cols() != xCols.cols()) {
      throw new IllegalArgumentException(
          "row inputs are "
              + xRows.shape()
              + " but column inputs are "
              + xCols.shape()
              + "; they need the same feature count");
    }
    return cross(network, xRows.rowRange(rowFrom, rowTo), xCols.rowRange(colFrom, colTo));
  }

  /**
   * Computes the input products K₀ = x·x'ᵀ/d of a block as the fused path does first, and discards
   * them: for benchmarks, which compare this phase with the machine's DGEMM. Of a {@code symmetric}
   * block (xCols = xRows) only the panels on and above the diagonal are computed.
   */
  public static void inputProducts(Matrix xRows, Matrix xCols, boolean symmetric) {
    PointwiseEngine.inputProductsOnly(xRows, xCols, symmetric);
  }

  /**
   * The floating-point operations {@link #inputProducts} performs for a rows × cols block of
   * d-dimensional inputs, counting the padding to whole panels and, of a symmetric block, the lower
   * halves of the panels on the diagonal.
   */
  public static double inputProductFlops(int rows, int cols, int d, boolean symmetric) {
    return PointwiseEngine.inputProductFlops(rows, cols, d, symmetric);
  }

  /**
   * K(x, x) and Θ(x, x) of each example: {@code [0]} the NNGP diagonal, {@code [1]} the NTK
   * diagonal, equal to the diagonal of the full symmetric block bit for bit.
   */
  public static double[][] diagonal(Layer network, Matrix x) {
    if (network instanceof ConvNetwork conv) {
      return SpatialEngine.diagonal(conv, conv.prepare(x));
    }
    List<Pointwise> chain = PointwiseEngine.flatten(network);
    if (chain != null) {
      return PointwiseEngine.diagonal(chain, x);
    }
    double[] k = new double[x.rows()];
    double[] theta = new double[x.rows()];
    for (int i = 0; i < x.rows(); i++) {
      KernelState one = network.apply(KernelState.ofInputs(x.rowRange(i, i + 1)));
      k[i] = one.nngp().get(0, 0);
      theta[i] = one.ntk().get(0, 0);
    }
    return new double[][] {k, theta};
  }

  private static KernelState symmetric(Layer network, Matrix x) {
    if (network instanceof ConvNetwork conv) {
      Matrix images = conv.prepare(x);
      return SpatialEngine.block(conv, images, images, true);
    }
    List<Pointwise> chain = PointwiseEngine.flatten(network);
    if (chain != null && x.cols() > 0) {
      return PointwiseEngine.fromInputs(chain, x, x, true);
    }
    return network.apply(KernelState.ofInputs(x));
  }

  private static KernelState cross(Layer network, Matrix xRows, Matrix xCols) {
    if (network instanceof ConvNetwork conv) {
      return SpatialEngine.block(conv, conv.prepare(xRows), conv.prepare(xCols), false);
    }
    List<Pointwise> chain = PointwiseEngine.flatten(network);
    if (chain != null && xRows.cols() > 0) {
      return PointwiseEngine.fromInputs(chain, xRows, xCols, false);
    }
    return network.apply(KernelState.ofInputs(xRows, xCols));
  }

  private static void checkRange(String what, int from, int to, Matrix x) {
    if (from < 0 || to > x.rows() || from > to) {
      throw new IllegalArgumentException(
          what + " range [" + from + ", " + to + ") outside the " + x.rows() + " examples");
    }
  }
}
