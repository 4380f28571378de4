package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.Architecture.Readout;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.arch.Padding;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolutional kernels reduce to known kernels where the maths says they must:
 *
 * <ul>
 *   <li>a 1×1 image through 1×1 convolutions is a fully-connected network on its channels;
 *   <li>with circular padding a constant image keeps a pixel-independent state (global average
 *       pooling equals flatten, and equals the kernel of the single pixel), and CNN-GAP is
 *       invariant under circular shifts of either image;
 *   <li>CNN-VEC equals a locally connected network of the same depth (Novak et al. 2019, "Bayesian
 *       Deep Convolutional Networks with Many Channels are Gaussian Processes", §5.1: without
 *       pooling, weight sharing does not change the kernel), the LC kernel computed here by a plain
 *       reference of neural-tangents' {@code stax.LocallyConnected} on the full pixel × pixel
 *       state, which also reproduces the engine's shared-weight CNN-GAP and differs from it once LC
 *       is pooled.
 * </ul>
 */
class ConvReductionsTest {
  private static final double W_STD = 1.3;
  private static final double B_STD = 0.2;
  private static final int WIDTH = 64;

  // ---------------------------------------------------------------- 1×1 images = FC

  static Stream<Arguments> oneByOne() {
    Stream.Builder<Arguments> out = Stream.builder();
    for (Activation a :
        new Activation[] {
          Activation.RELU, Activation.ERF, Activation.TANH.withQuadratureDegree(8)
        }) {
      for (Parameterization p : Parameterization.values()) {
        for (Readout r : Readout.values()) {
          for (int depth : new int[] {0, 1, 3}) {
            out.add(Arguments.of(a, p, r, depth));
          }
        }
      }
    }
    return out.build();
  }

  /**
   * The inputs are small integers and C = 4 channels: every product and partial sum x·x' is an
   * integer far below 2⁵³, so it is exact whatever order a DGEMM (the fully-connected path) or a
   * plain loop (the conv path) adds in, and dividing by 4 is exact too, whether done as s/4 (conv)
   * or s·(1/4) (the DGEMM's alpha). From K₀ on, both paths run the same pointwise layers on the
   * same numbers, and the 1×1 window average and the one-pixel flatten or pooling are ·1 and /1.
   */
  @ParameterizedTest(name = "{0} {1} {2} depth {3}")
  @MethodSource("oneByOne")
  void oneByOneConvolutionsOnOnePixelAreTheFullyConnectedKernelBitForBit(
      Activation act, Parameterization p, Readout readout, int depth) {
    ImageShape shape = new ImageShape(1, 1, 4);
    Matrix train = integerImages(new SplittableRandom(1), 6, shape.features());
    Matrix test = integerImages(new SplittableRandom(2), 3, shape.features());
    Architecture cnn = Architecture.cnn(depth, act, 1, Padding.SAME, readout, W_STD, B_STD);
    Architecture fc = Architecture.fc(depth, act, W_STD, B_STD);
    KernelBlocks conv =
        NeuralKernels.compute(NeuralKernels.network(cnn, p, WIDTH, shape), train, test);
    KernelBlocks dense =
        NeuralKernels.compute(NeuralKernels.network(fc, p, WIDTH, null), train, test);
    assertBlocksEqual(dense, conv, 0.0);
  }

  /**
   * With C = 3 the two paths divide differently (s/3 against s·fl(1/3)), so K₀ may differ in the
   * last bit; the kernels then agree to rounding, not bit for bit.
   */
  @Test
  void oneByOneConvolutionsWithThreeChannelsAgreeToRounding() {
    ImageShape shape = new ImageShape(1, 1, 3);
    Matrix train = integerImages(new SplittableRandom(3), 6, shape.features());
    Matrix test = integerImages(new SplittableRandom(4), 3, shape.features());
    for (Parameterization p : Parameterization.values()) {
      Architecture cnn =
          Architecture.cnn(2, Activation.RELU, 1, Padding.SAME, Readout.GAP, W_STD, B_STD);
      Architecture fc = Architecture.fc(2, Activation.RELU, W_STD, B_STD);
      assertBlocksEqual(
          NeuralKernels.compute(NeuralKernels.network(fc, p, WIDTH, null), train, test),
          NeuralKernels.compute(NeuralKernels.network(cnn, p, WIDTH, shape), train, test),
          1e-14);
    }
  }

  /**
   * A dense layer on an image acts on the channels of every pixel: the same kernel as a 1×1
   * convolution, whose window average is one term times 1 (bit for bit), on the full pixel × pixel
   * state (pooling) and on its diagonal (flatten, no pooling).
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("denseOnImages")
  void denseOnAnImageIsAOneByOneConvolution(String reduction, Parameterization p) {
    ImageShape shape = new ImageShape(5, 5, 3);
    Matrix x = gaussian(new SplittableRandom(9), 5, shape.features());
    // With flatten and no pooling the engine keeps only the spatial diagonal; with pooling all.
    String pool = reduction.equals("flatten") ? "identity" : "avg_pool(window=2, strides=1)";
    Architecture dense =
        Architecture.parse(
            List.of(
                "conv(filter=3)",
                "relu",
                "dense(W_std=1.1, b_std=0.4)",
                "erf",
                pool,
                "dense",
                "relu",
                reduction,
                "dense"),
            W_STD,
            B_STD);
    Architecture conv =
        Architecture.parse(
            List.of(
                "conv(filter=3)",
                "relu",
                "conv(filter=1, W_std=1.1, b_std=0.4)",
                "erf",
                pool,
                "conv(filter=1)",
                "relu",
                reduction,
                "dense"),
            W_STD,
            B_STD);
    assertEquals(
        reduction.equals("flatten"),
        !((ConvNetwork) NeuralKernels.network(dense, p, WIDTH, shape)).fullSpatial());
    assertBlocksEqual(
        NeuralKernels.compute(
            NeuralKernels.network(conv, p, WIDTH, shape), x.rowRange(0, 3), x.rowRange(3, 5)),
        NeuralKernels.compute(
            NeuralKernels.network(dense, p, WIDTH, shape), x.rowRange(0, 3), x.rowRange(3, 5)),
        0.0);
  }

  static Stream<Arguments> denseOnImages() {
    Stream.Builder<Arguments> out = Stream.builder();
    for (String reduction : new String[] {"flatten", "global_avg_pool"}) {
      for (Parameterization p : Parameterization.values()) {
        out.add(Arguments.of(reduction, p));
      }
    }
    return out.build();
  }

  // ---------------------------------------------------------------- circular padding

  static Stream<Arguments> circularNetworks() {
    return Stream.of(
        Arguments.of(Activation.RELU, Parameterization.NTK, 3),
        Arguments.of(Activation.ERF, Parameterization.NTK, 2),
        Arguments.of(Activation.RELU, Parameterization.STANDARD, 3),
        Arguments.of(Activation.TANH.withQuadratureDegree(10), Parameterization.STANDARD, 1));
  }

  /**
   * Each example a constant 5×4 image (every pixel one vector): with circular padding every pixel
   * pair sees the same window, so the state is one number per pair of examples, the same at every
   * pixel pair. Then global average pooling (mean of all pixel pairs) equals flatten (mean of the
   * diagonal), and both equal the kernel of the single pixel as a 1×1 image (its circular window
   * reads that pixel kh·kw times). Equal to rounding: the means add many copies of one number.
   */
  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("circularNetworks")
  void constantImagesUnderCircularPaddingHaveAPixelIndependentState(
      Activation act, Parameterization p, int depth) {
    ImageShape shape = new ImageShape(5, 4, 3);
    ImageShape pixel = new ImageShape(1, 1, 3);
    SplittableRandom random = new SplittableRandom(5);
    Matrix pixels = gaussian(random, 7, 3);
    Matrix images = constantImages(pixels, shape);
    KernelBlocks gap =
        NeuralKernels.compute(
            NeuralKernels.network(
                Architecture.cnn(depth, act, 3, Padding.CIRCULAR, Readout.GAP, W_STD, B_STD),
                p,
                WIDTH,
                shape),
            images.rowRange(0, 4),
            images.rowRange(4, 7));
    KernelBlocks vec =
        NeuralKernels.compute(
            NeuralKernels.network(
                Architecture.cnn(depth, act, 3, Padding.CIRCULAR, Readout.FLATTEN, W_STD, B_STD),
                p,
                WIDTH,
                shape),
            images.rowRange(0, 4),
            images.rowRange(4, 7));
    KernelBlocks single =
        NeuralKernels.compute(
            NeuralKernels.network(
                Architecture.cnn(depth, act, 3, Padding.CIRCULAR, Readout.GAP, W_STD, B_STD),
                p,
                WIDTH,
                pixel),
            pixels.rowRange(0, 4),
            pixels.rowRange(4, 7));
    System.out.printf(
        "constant images, circular, %s %s depth %d: GAP against VEC %.2g, against one pixel %.2g%n",
        act.id(),
        p.id(),
        depth,
        relativeDifference(gap.nngpTestTrain(), vec.nngpTestTrain()),
        relativeDifference(gap.ntkTestTrain(), single.ntkTestTrain()));
    if (p == Parameterization.NTK) {
      assertBlocksEqual(gap, vec, 1e-13);
    } else {
      // The readout's fan-in after flatten is H·W·C, after pooling C: only the NNGP agrees.
      assertMatrixEqual(gap.nngpTrainTrain(), vec.nngpTrainTrain(), 1e-13, "NNGP train × train");
      assertMatrixEqual(gap.nngpTestTrain(), vec.nngpTestTrain(), 1e-13, "NNGP test × train");
    }
    assertBlocksEqual(single, gap, 1e-13);
  }

  /**
   * A circular convolution commutes with circular shifts, so the state of (shift x, shift' x') is
   * the state of (x, x') with its pixel indices shifted: global average pooling, a sum over all
   * pixel pairs, does not see shifts of either image; flatten, a sum over the diagonal, sees only a
   * common shift. With SAME padding the border breaks both.
   */
  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("circularNetworks")
  void circularShiftsLeaveTheGlobalPoolKernelUnchanged(
      Activation act, Parameterization p, int depth) {
    ImageShape shape = new ImageShape(5, 6, 2);
    SplittableRandom random = new SplittableRandom(6);
    Matrix x = gaussian(random, 5, shape.features());
    Matrix each = new Matrix(5, shape.features(), new double[5 * shape.features()]);
    Matrix common = new Matrix(5, shape.features(), new double[5 * shape.features()]);
    for (int i = 0; i < 5; i++) {
      copyRow(shift(x.row(i), shape, 1 + i, 2 * i + 1), each, i);
      copyRow(shift(x.row(i), shape, 2, 3), common, i);
    }
    Layer gap =
        NeuralKernels.network(
            Architecture.cnn(depth, act, 3, Padding.CIRCULAR, Readout.GAP, W_STD, B_STD),
            p,
            WIDTH,
            shape);
    Layer vec =
        NeuralKernels.network(
            Architecture.cnn(depth, act, 3, Padding.CIRCULAR, Readout.FLATTEN, W_STD, B_STD),
            p,
            WIDTH,
            shape);
    KernelBlocks gapPlain = NeuralKernels.compute(gap, x.rowRange(0, 3), x.rowRange(3, 5));
    assertBlocksEqual(
        gapPlain, NeuralKernels.compute(gap, each.rowRange(0, 3), each.rowRange(3, 5)), 1e-12);
    KernelBlocks vecPlain = NeuralKernels.compute(vec, x.rowRange(0, 3), x.rowRange(3, 5));
    assertBlocksEqual(
        vecPlain, NeuralKernels.compute(vec, common.rowRange(0, 3), common.rowRange(3, 5)), 1e-12);

    // The checks above can fail: flatten under separate shifts, and SAME padding, do change.
    double vecMoved =
        relativeDifference(
            vecPlain.nngpTestTrain(),
            NeuralKernels.compute(vec, each.rowRange(0, 3), each.rowRange(3, 5)).nngpTestTrain());
    Layer same =
        NeuralKernels.network(
            Architecture.cnn(depth, act, 3, Padding.SAME, Readout.GAP, W_STD, B_STD),
            p,
            WIDTH,
            shape);
    double sameMoved =
        relativeDifference(
            NeuralKernels.compute(same, x.rowRange(0, 3), x.rowRange(3, 5)).nngpTestTrain(),
            NeuralKernels.compute(same, each.rowRange(0, 3), each.rowRange(3, 5)).nngpTestTrain());
    System.out.printf(
        "circular shifts, %s %s depth %d: GAP moved %.2g, VEC under a common shift %.2g; VEC under"
            + " separate shifts %.3g, SAME-padded GAP %.3g%n",
        act.id(),
        p.id(),
        depth,
        relativeDifference(
            gapPlain.ntkTestTrain(),
            NeuralKernels.compute(gap, each.rowRange(0, 3), each.rowRange(3, 5)).ntkTestTrain()),
        relativeDifference(
            vecPlain.ntkTestTrain(),
            NeuralKernels.compute(vec, common.rowRange(0, 3), common.rowRange(3, 5))
                .ntkTestTrain()),
        vecMoved,
        sameMoved);
    assertTrue(vecMoved > 1e-2, "flatten under separate shifts moved by only " + vecMoved);
    assertTrue(sameMoved > 1e-4, "SAME-padded GAP under shifts moved by only " + sameMoved);
  }

  // ---------------------------------------------------------------- CNN-VEC = LC

  /** One conv (or LC) layer of a case: filter, strides, padding, its own W_std and b_std. */
  record ConvSpec(int kh, int kw, int sh, int sw, Padding padding, double wStd, double bStd) {
    String term() {
      return String.format(
          Locale.ROOT,
          "conv(filter=%dx%d, strides=%dx%d, padding=%s, W_std=%s, b_std=%s)",
          kh,
          kw,
          sh,
          sw,
          padding.id(),
          wStd,
          bStd);
    }
  }

  /** A stack of conv layers with one activation, the readout's W_std and b_std. */
  record Case(
      String name,
      List<ConvSpec> convs,
      Activation act,
      Parameterization p,
      double readW,
      double readB) {
    @Override
    public String toString() {
      return name;
    }

    Architecture architecture(String reduction) {
      List<String> terms = new ArrayList<>();
      for (ConvSpec c : convs) {
        terms.add(c.term());
        terms.add(act.id());
      }
      terms.add(reduction);
      terms.add("dense(W_std=" + readW + ", b_std=" + readB + ")");
      return Architecture.parse(terms, 1.0, 0.0);
    }
  }

  static Stream<Case> lcCases() {
    ConvSpec same3 = new ConvSpec(3, 3, 1, 1, Padding.SAME, 1.4, 0.3);
    ConvSpec valid2x3 = new ConvSpec(2, 3, 1, 1, Padding.VALID, 1.1, 0.5);
    ConvSpec circular3 = new ConvSpec(3, 3, 1, 1, Padding.CIRCULAR, 1.2, 0.1);
    ConvSpec strided = new ConvSpec(3, 2, 2, 2, Padding.SAME, 1.5, 0.0);
    ConvSpec validStrided = new ConvSpec(3, 3, 2, 2, Padding.VALID, 1.3, 0.2);
    ConvSpec circularStrided = new ConvSpec(2, 3, 2, 1, Padding.CIRCULAR, 1.2, 0.6);
    return Stream.of(
        new Case(
            "relu depth 2 circular-strided/valid-strided standard",
            List.of(circularStrided, validStrided),
            Activation.RELU,
            Parameterization.STANDARD,
            1.2,
            0.3),
        new Case(
            "relu depth 1 same ntk",
            List.of(same3),
            Activation.RELU,
            Parameterization.NTK,
            1.2,
            0.1),
        new Case(
            "relu depth 3 same/valid/circular ntk",
            List.of(same3, valid2x3, circular3),
            Activation.RELU,
            Parameterization.NTK,
            0.9,
            0.4),
        new Case(
            "erf depth 2 strided/same standard",
            List.of(strided, same3),
            Activation.ERF,
            Parameterization.STANDARD,
            1.3,
            0.2),
        new Case(
            "relu depth 2 circular/valid standard",
            List.of(circular3, valid2x3),
            Activation.RELU,
            Parameterization.STANDARD,
            1.0,
            0.0),
        new Case(
            "erf depth 3 valid/strided/same ntk",
            List.of(valid2x3, strided, same3),
            Activation.ERF,
            Parameterization.NTK,
            1.1,
            0.3));
  }

  /**
   * The engine's CNN-VEC (spatial diagonal only) equals the reference LC network on the full pixel
   * × pixel state; the reference's shared-weight mode equals the engine's CNN-GAP (so the reference
   * is right where the two can be compared), and LC-GAP is not CNN-GAP.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("lcCases")
  void convolutionalNetworkReadByFlattenEqualsTheLocallyConnectedOne(Case c) {
    ImageShape shape = new ImageShape(6, 5, 2);
    SplittableRandom random = new SplittableRandom(8);
    Matrix x = gaussian(random, 5, shape.features());
    Reference lcVec = new Reference(c, shape, false, false).run(x);
    Reference cnnGap = new Reference(c, shape, true, true).run(x);
    Reference lcGap = new Reference(c, shape, false, true).run(x);

    KernelState vec =
        NeuralKernels.tile(
            NeuralKernels.network(c.architecture("flatten"), c.p(), WIDTH, shape), x, 0, 5, 0, 5);
    KernelState gap =
        NeuralKernels.tile(
            NeuralKernels.network(c.architecture("global_avg_pool"), c.p(), WIDTH, shape),
            x,
            0,
            5,
            0,
            5);
    assertMatrixEqual(lcVec.nngp, vec.nngp(), 1e-12, c + " NNGP: LC against CNN-VEC");
    assertMatrixEqual(lcVec.ntk, vec.ntk(), 1e-12, c + " NTK: LC against CNN-VEC");
    assertMatrixEqual(cnnGap.nngp, gap.nngp(), 1e-12, c + " NNGP: reference CNN-GAP");
    assertMatrixEqual(cnnGap.ntk, gap.ntk(), 1e-12, c + " NTK: reference CNN-GAP");
    double sharing = relativeDifference(lcGap.nngp, gap.nngp());
    System.out.printf(
        "%s: LC against CNN-VEC %.2g (NNGP) %.2g (NTK); reference CNN-GAP against the engine %.2g"
            + " %.2g; LC-GAP against CNN-GAP %.3g%n",
        c,
        relativeDifference(lcVec.nngp, vec.nngp()),
        relativeDifference(lcVec.ntk, vec.ntk()),
        relativeDifference(cnnGap.nngp, gap.nngp()),
        relativeDifference(cnnGap.ntk, gap.ntk()),
        sharing);
    assertTrue(sharing > 1e-3, c + ": LC-GAP and CNN-GAP differ by only " + sharing);
  }

  /**
   * neural-tangents' {@code stax} kernel recursion on the full pixel × pixel state of every pair of
   * examples, written for clarity, not speed, from {@code neural_tangents/_src/stax/linear.py}
   * ({@code _Conv} with {@code shared_weights} true or false, {@code Flatten}, {@code
   * GlobalAvgPool}, {@code Dense}) and the closed forms of ReLU and Erf:
   *
   * <pre>
   *   K₀[p, q] = x[p]·x'[q] / C
   *   A(K)[p, q] = (1/(kh·kw)) Σ_(u,v) K[p·s + (u,v) − pad, q·s + (u,v) − pad]   (0 outside)
   *   conv (shared):  K ← W²·A(K) + b²
   *   LC (unshared):  K ← δ_pq·(W²·A(K)[p, p] + b²)          (_conv_kernel_full_spatial_unshared)
   *   Θ ← K + W²·A(Θ) (NTK), or fan_in·A(K_old) + W²·A(Θ) + 1 (standard, fan_in = C·kh·kw),
   *       again only on the spatial diagonal for LC
   * </pre>
   */
  static final class Reference {
    final Case c;
    final ImageShape shape;
    final boolean shared;
    final boolean pool;
    Matrix nngp;
    Matrix ntk;

    Reference(Case c, ImageShape shape, boolean shared, boolean pool) {
      this.c = c;
      this.shape = shape;
      this.shared = shared;
      this.pool = pool;
    }

    Reference run(Matrix x) {
      int n = x.rows();
      // Self pairs first: their spatial diagonals are the variances the activations need.
      Pair[] self = new Pair[n];
      for (int i = 0; i < n; i++) {
        self[i] = pair(x.row(i), x.row(i), null, null);
      }
      nngp = Matrix.zeros(n, n);
      ntk = Matrix.zeros(n, n);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          Pair out = i == j ? self[i] : pair(x.row(i), x.row(j), self[i], self[j]);
          nngp.set(i, j, out.reducedK);
          ntk.set(i, j, out.reducedTheta);
        }
      }
      return this;
    }

    /** The state of one pair after each layer; {@code diag[l]} are its variances before act l. */
    static final class Pair {
      final List<double[]> diag = new ArrayList<>();
      double reducedK;
      double reducedTheta;
    }

    private Pair pair(double[] x, double[] y, Pair rowSelf, Pair colSelf) {
      Pair out = new Pair();
      int h = shape.height();
      int w = shape.width();
      int ch = shape.channels();
      double[][] k = new double[h * w][h * w];
      double[][] theta = new double[h * w][h * w];
      for (int p = 0; p < h * w; p++) {
        for (int q = 0; q < h * w; q++) {
          double s = 0;
          for (int e = 0; e < ch; e++) {
            s += x[p * ch + e] * y[q * ch + e];
          }
          k[p][q] = s / ch;
        }
      }
      int fanChannels = ch;
      for (int l = 0; l < c.convs().size(); l++) {
        ConvSpec cv = c.convs().get(l);
        int[][] mapH = windowMap(h, cv.kh(), cv.sh(), cv.padding());
        int[][] mapW = windowMap(w, cv.kw(), cv.sw(), cv.padding());
        int hOut = mapH[0].length;
        int wOut = mapW[0].length;
        double[][] ak = average(k, mapH, mapW, w, wOut);
        double[][] at = average(theta, mapH, mapW, w, wOut);
        int po = hOut * wOut;
        double[][] k2 = new double[po][po];
        double[][] t2 = new double[po][po];
        double fanIn = (double) fanChannels * cv.kh() * cv.kw();
        for (int p = 0; p < po; p++) {
          for (int q = 0; q < po; q++) {
            if (!shared && p != q) {
              continue;
            }
            k2[p][q] = cv.wStd() * cv.wStd() * ak[p][q] + cv.bStd() * cv.bStd();
            t2[p][q] =
                c.p() == Parameterization.NTK
                    ? k2[p][q] + cv.wStd() * cv.wStd() * at[p][q]
                    : fanIn * ak[p][q] + cv.wStd() * cv.wStd() * at[p][q] + 1;
          }
        }
        k = k2;
        theta = t2;
        h = hOut;
        w = wOut;
        fanChannels = WIDTH;
        double[] d = new double[po];
        for (int p = 0; p < po; p++) {
          d[p] = k[p][p];
        }
        out.diag.add(d);
        double[] v1 = rowSelf == null ? d : rowSelf.diag.get(l);
        double[] v2 = colSelf == null ? d : colSelf.diag.get(l);
        for (int p = 0; p < po; p++) {
          for (int q = 0; q < po; q++) {
            double[] kt = activation(c.act(), v1[p], v2[q], k[p][q]);
            k[p][q] = kt[0];
            theta[p][q] *= kt[1];
          }
        }
      }
      int pixels = h * w;
      double meanK = 0;
      double meanTheta = 0;
      for (int p = 0; p < pixels; p++) {
        for (int q = 0; q < pixels; q++) {
          if (pool || p == q) {
            meanK += k[p][q];
            meanTheta += theta[p][q];
          }
        }
      }
      double count = pool ? (double) pixels * pixels : pixels;
      meanK /= count;
      meanTheta /= count;
      double w2 = c.readW() * c.readW();
      out.reducedK = w2 * meanK + c.readB() * c.readB();
      double readFanIn = pool ? WIDTH : (double) WIDTH * pixels;
      out.reducedTheta =
          c.p() == Parameterization.NTK
              ? out.reducedK + w2 * meanTheta
              : readFanIn * meanK + w2 * meanTheta + 1;
      return out;
    }

    /** A(K)[p, q] over pixel indices p = (a, b), q = (c, d) of the output. */
    private static double[][] average(double[][] k, int[][] mapH, int[][] mapW, int wIn, int wOut) {
      int kh = mapH.length;
      int kw = mapW.length;
      int hOut = mapH[0].length;
      int po = hOut * wOut;
      double[][] out = new double[po][po];
      for (int p = 0; p < po; p++) {
        for (int q = 0; q < po; q++) {
          int a = p / wOut;
          int b = p % wOut;
          int cc = q / wOut;
          int d = q % wOut;
          double s = 0;
          for (int u = 0; u < kh; u++) {
            for (int v = 0; v < kw; v++) {
              int ia = mapH[u][a];
              int ib = mapW[v][b];
              int ic = mapH[u][cc];
              int id = mapW[v][d];
              if (ia >= 0 && ib >= 0 && ic >= 0 && id >= 0) {
                s += k[ia * wIn + ib][ic * wIn + id];
              }
            }
          }
          out[p][q] = s / (kh * kw);
        }
      }
      return out;
    }

    /**
     * Input index read by window offset u at output o, or −1 for zero padding: SAME and CIRCULAR
     * pad (out − 1)·s + k − n in total, the smaller half low; CIRCULAR wraps instead of padding.
     */
    static int[][] windowMap(int n, int k, int s, Padding padding) {
      int out = padding == Padding.VALID ? (n - k) / s + 1 : (n + s - 1) / s;
      int low = padding == Padding.VALID ? 0 : Math.max((out - 1) * s + k - n, 0) / 2;
      int[][] map = new int[k][out];
      for (int u = 0; u < k; u++) {
        for (int o = 0; o < out; o++) {
          int i = o * s + u - low;
          map[u][o] =
              padding == Padding.CIRCULAR ? Math.floorMod(i, n) : (i < 0 || i >= n ? -1 : i);
        }
      }
      return map;
    }

    /** {T(K), T'(K)} of ReLU (arc-cosine, Cho and Saul 2009) or erf (Williams 1997). */
    static double[] activation(Activation act, double k11, double k22, double k12) {
      if (act.equals(Activation.RELU)) {
        double prod = Math.sqrt(k11 * k22);
        double cos = Math.max(-1, Math.min(1, k12 / prod));
        double angle = Math.acos(cos);
        return new double[] {
          prod / (2 * Math.PI) * (Math.sin(angle) + (Math.PI - angle) * cos),
          (Math.PI - angle) / (2 * Math.PI)
        };
      }
      if (act.equals(Activation.ERF)) {
        double d = (1 + 2 * k11) * (1 + 2 * k22);
        return new double[] {
          2 / Math.PI * Math.asin(2 * k12 / Math.sqrt(d)),
          4 / Math.PI / Math.sqrt(d - 4 * k12 * k12)
        };
      }
      throw new IllegalArgumentException("the reference knows relu and erf, not " + act.id());
    }
  }

  // ---------------------------------------------------------------- helpers

  static Matrix integerImages(SplittableRandom random, int n, int features) {
    double[] d = new double[n * features];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextInt(7) - 3;
    }
    return new Matrix(n, features, d);
  }

  static Matrix gaussian(SplittableRandom random, int rows, int cols) {
    double[] d = new double[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextGaussian();
    }
    return new Matrix(rows, cols, d);
  }

  /** Each row's vector repeated at every pixel of {@code shape}. */
  private static Matrix constantImages(Matrix pixels, ImageShape shape) {
    int f = shape.features();
    double[] d = new double[pixels.rows() * f];
    for (int i = 0; i < pixels.rows(); i++) {
      for (int p = 0; p < shape.pixels(); p++) {
        for (int e = 0; e < shape.channels(); e++) {
          d[i * f + p * shape.channels() + e] = pixels.get(i, e);
        }
      }
    }
    return new Matrix(pixels.rows(), f, d);
  }

  /** The image rolled by (dy, dx) pixels, wrapping around. */
  static double[] shift(double[] image, ImageShape shape, int dy, int dx) {
    int h = shape.height();
    int w = shape.width();
    int c = shape.channels();
    double[] out = new double[image.length];
    for (int a = 0; a < h; a++) {
      for (int b = 0; b < w; b++) {
        int to = ((Math.floorMod(a + dy, h)) * w + Math.floorMod(b + dx, w)) * c;
        System.arraycopy(image, (a * w + b) * c, out, to, c);
      }
    }
    return out;
  }

  private static void copyRow(double[] row, Matrix into, int i) {
    System.arraycopy(row, 0, into.data(), i * into.cols(), row.length);
  }

  static void assertBlocksEqual(KernelBlocks expected, KernelBlocks actual, double relative) {
    assertMatrixEqual(expected.nngpTrainTrain(), actual.nngpTrainTrain(), relative, "NNGP train");
    assertMatrixEqual(
        expected.nngpTestTrain(), actual.nngpTestTrain(), relative, "NNGP test×train");
    assertMatrixEqual(expected.nngpTestTest(), actual.nngpTestTest(), relative, "NNGP test");
    assertMatrixEqual(expected.ntkTrainTrain(), actual.ntkTrainTrain(), relative, "NTK train");
    assertMatrixEqual(expected.ntkTestTrain(), actual.ntkTestTrain(), relative, "NTK test×train");
    assertMatrixEqual(expected.ntkTestTest(), actual.ntkTestTest(), relative, "NTK test");
  }

  /** Entry by entry, to {@code relative} of the largest entry (0: bit for bit). */
  static void assertMatrixEqual(Matrix expected, Matrix actual, double relative, String what) {
    assertEquals(expected.rows(), actual.rows(), what + " rows");
    assertEquals(expected.cols(), actual.cols(), what + " cols");
    double scale = 0;
    for (double v : expected.data()) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertArrayEquals(expected.data(), actual.data(), relative * scale, what);
  }

  /** max |a − b| / max |a|. */
  static double relativeDifference(Matrix a, Matrix b) {
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < a.data().length; i++) {
      scale = Math.max(scale, Math.abs(a.data()[i]));
      worst = Math.max(worst, Math.abs(a.data()[i] - b.data()[i]));
    }
    return worst / scale;
  }
}
