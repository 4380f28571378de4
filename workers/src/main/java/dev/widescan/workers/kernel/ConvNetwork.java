package dev.widescan.workers.kernel;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.arch.LayerTerm;
import dev.widescan.workers.arch.Padding;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Parameterization;
import java.util.ArrayList;
import java.util.List;

/**
 * A network on images in kernel space, compiled from an {@link Architecture} for one input shape:
 * the spatial stages up to the reduction (flatten or global average pooling), then a chain of
 * pointwise layers on the reduced examples × examples kernels. Computed by {@link SpatialEngine}
 * through {@link NeuralKernels}, like any other network.
 *
 * <p>The kernel state per pair of examples is the full pixel × pixel covariance when some layer
 * mixes pixels at different positions (pooling, global average pooling), and only its spatial
 * diagonal otherwise (neural-tangents' {@code diagonal_spatial}): a conv network read out by
 * flatten with no pooling needs O(pixels) per pair instead of O(pixels²).
 */
public final class ConvNetwork implements Layer {
  /** The images the network was built for. */
  private final ImageShape images;

  /**
   * Average pools before any other layer, applied to the images themselves (see {@link #prepare}).
   */
  private final List<Pool> inputPools;

  /** The images the engine's stages start from: {@link #images} after the input pools. */
  final ImageShape input;

  final List<Stage> stages;
  final boolean globalPool;
  final boolean full;
  final PointwiseEngine.Chain head;
  final List<Pointwise> headLayers;
  final int reducedPixels;
  private final String description;

  private ConvNetwork(
      ImageShape images,
      List<Pool> inputPools,
      ImageShape input,
      List<Stage> stages,
      boolean globalPool,
      boolean full,
      List<Pointwise> headLayers,
      int reducedPixels,
      String description) {
    this.images = images;
    this.inputPools = List.copyOf(inputPools);
    this.input = input;
    this.stages = List.copyOf(stages);
    this.globalPool = globalPool;
    this.full = full;
    this.headLayers = List.copyOf(headLayers);
    this.head = new PointwiseEngine.Chain(headLayers, 0);
    this.reducedPixels = reducedPixels;
    this.description = description;
  }

  /** One stage before the reduction. */
  sealed interface Stage {}

  /**
   * A convolution's window average A: the kernel averaged over the filter window with the same
   * offset on both pixels, always divided by kh·kw (neural-tangents' {@code Conv}).
   */
  record Window(int kh, int kw, int[][] mapH, int[][] mapW, int hIn, int wIn, int hOut, int wOut)
      implements Stage {}

  /** Average pooling: each pixel's window averaged independently on both sides. */
  record Pool(int kh, int kw, int[][] mapH, int[][] mapW, int hIn, int wIn, int hOut, int wOut)
      implements Stage {}

  /** Pointwise layers (Dense on channels, activations) on every pixel pair. */
  record Segment(PointwiseEngine.Chain chain, int layers) implements Stage {}

  /**
   * Compiles {@code arch} for images of {@code shape}.
   *
   * @param width the channel count of hidden conv and dense layers, or 0 for the infinite-width
   *     limit; read only by the standard parameterization (Θ ← fan_in·A(K) + 1 + W²·A(Θ))
   * @throws IllegalArgumentException if the architecture does not fit the shape, or the standard
   *     parameterization lacks a width
   */
  public static ConvNetwork compile(
      Architecture arch, Parameterization parameterization, int width, ImageShape shape) {
    if (!arch.spatial()) {
      throw new IllegalArgumentException(
          "architecture " + arch.canonical() + " has no spatial layer; use its dense chain");
    }
    arch.validate(shape);
    List<Stage> stages = new ArrayList<>();
    List<Pointwise> pending = new ArrayList<>();
    int h = shape.height();
    int w = shape.width();
    int channels = shape.channels();
    boolean full = false;
    boolean reduced = false;
    boolean globalPool = false;
    int reducedPixels = 0;
    List<Pointwise> head = new ArrayList<>();
    List<LayerTerm> layers = arch.layers();
    for (int i = 0; i < layers.size(); i++) {
      LayerTerm t = layers.get(i);
      List<Pointwise> into = reduced ? head : pending;
      if (t instanceof LayerTerm.Conv c) {
        flush(stages, pending);
        Padding p = c.padding();
        int hOut = p.outputSize(h, c.filterH(), c.strideH());
        int wOut = p.outputSize(w, c.filterW(), c.strideW());
        stages.add(
            new Window(
                c.filterH(),
                c.filterW(),
                p.windowMap(h, c.filterH(), c.strideH()),
                p.windowMap(w, c.filterW(), c.strideW()),
                h,
                w,
                hOut,
                wOut));
        int fanIn = channels * c.filterH() * c.filterW();
        pending.add(dense(c.wStd(), c.bStd(), arch, parameterization, fanIn, i, t));
        channels = width;
        h = hOut;
        w = wOut;
      } else if (t instanceof LayerTerm.AvgPool p) {
        flush(stages, pending);
        full = true;
        int hOut = p.padding().outputSize(h, p.windowH(), p.strideH());
        int wOut = p.padding().outputSize(w, p.windowW(), p.strideW());
        stages.add(
            new Pool(
                p.windowH(),
                p.windowW(),
                p.padding().windowMap(h, p.windowH(), p.strideH()),
                p.padding().windowMap(w, p.windowW(), p.strideW()),
                h,
                w,
                hOut,
                wOut));
        h = hOut;
        w = wOut;
      } else if (t instanceof LayerTerm.Flatten) {
        flush(stages, pending);
        reduced = true;
        reducedPixels = h * w;
        channels = Math.multiplyExact(channels, h * w);
      } else if (t instanceof LayerTerm.GlobalAvgPool) {
        flush(stages, pending);
        reduced = true;
        globalPool = true;
        full = true;
        reducedPixels = h * w;
      } else if (t instanceof LayerTerm.Dense d) {
        into.add(dense(d.wStd(), d.bStd(), arch, parameterization, channels, i, t));
        if (i < layers.size() - 1) {
          channels = width;
        }
      } else if (t instanceof LayerTerm.Act a) {
        Nonlinearity act = Layers.activation(a.activation());
        if (!(act instanceof Pointwise pw)) {
          throw new IllegalStateException("activation " + a + " is not pointwise");
        }
        if (!(act instanceof ClosedForms.Identity)) {
          into.add(pw);
        }
      }
    }
    // Pooling the input kernel K₀ = x·x'ᵀ/C on both sides is K₀ of the pooled images, since both
    // are linear: leading pools act on the images, P times cheaper than on their P × P kernels.
    List<Pool> inputPools = new ArrayList<>();
    while (!stages.isEmpty() && stages.get(0) instanceof Pool pool) {
      inputPools.add(pool);
      stages.remove(0);
    }
    ImageShape input =
        inputPools.isEmpty()
            ? shape
            : new ImageShape(
                inputPools.get(inputPools.size() - 1).hOut(),
                inputPools.get(inputPools.size() - 1).wOut(),
                shape.channels());
    boolean stillFull = full && (globalPool || stages.stream().anyMatch(st -> st instanceof Pool));
    return new ConvNetwork(
        shape,
        inputPools,
        input,
        stages,
        globalPool,
        stillFull,
        head,
        reducedPixels,
        arch.canonical() + " on " + shape);
  }

  private static void flush(List<Stage> stages, List<Pointwise> pending) {
    if (!pending.isEmpty()) {
      stages.add(new Segment(new PointwiseEngine.Chain(pending, 0), pending.size()));
      pending.clear();
    }
  }

  private static Pointwise dense(
      Double wStd,
      Double bStd,
      Architecture arch,
      Parameterization parameterization,
      int fanIn,
      int index,
      LayerTerm t) {
    if (parameterization == Parameterization.STANDARD && fanIn == 0) {
      throw new Architecture.LayerException(
          index,
          t.canonical(arch.wStd(), arch.bStd()),
          "the standard-parameterization NTK depends on the layer's fan-in, which depends on the"
              + " hidden width; give a finite width, not 0 (infinite)");
    }
    return (Pointwise)
        Layers.dense(
            wStd == null ? arch.wStd() : wStd,
            bStd == null ? arch.bStd() : bStd,
            parameterization,
            fanIn);
  }

  /**
   * For benchmarks: switches on (or off) the clocks of the convolutional kernel engine's phases and
   * zeroes them (see {@link #phaseSeconds}).
   */
  public static void profilePhases(boolean on) {
    SpatialEngine.Phases.enable(on);
  }

  /** The phases' names, in the order of {@link #phaseSeconds}. */
  public static List<String> phaseNames() {
    return List.of(SpatialEngine.Phases.NAMES);
  }

  /**
   * For benchmarks: the seconds the engine spent, summed over threads, in each phase (input
   * products, window sums, pointwise layers, reductions) since {@link #profilePhases}.
   */
  public static double[] phaseSeconds() {
    return SpatialEngine.Phases.seconds();
  }

  /** Whether each pair of examples carries the full pixel × pixel covariance. */
  public boolean fullSpatial() {
    return full;
  }

  /** The input shape it was compiled for. */
  public ImageShape inputShape() {
    return images;
  }

  /**
   * The engine's inputs for images {@code x} (flattened NHWC rows): {@code x} itself, or the images
   * average-pooled by the network's leading pools.
   *
   * @throws IllegalArgumentException if the rows are not images of {@link #inputShape()}
   */
  Matrix prepare(Matrix x) {
    if (x.cols() != images.features()) {
      throw new IllegalArgumentException(
          "the inputs have "
              + x.cols()
              + " features but the network was built for "
              + images
              + " images ("
              + images.features()
              + " features)");
    }
    Matrix out = x;
    for (Pool pool : inputPools) {
      out = poolImages(out, pool, images.channels());
    }
    return out;
  }

  /** Each image's window means, channel by channel (zeros where a window reaches padding). */
  private static Matrix poolImages(Matrix x, Pool pool, int c) {
    int n = x.rows();
    int wIn = pool.wIn();
    int outPixels = pool.hOut() * pool.wOut();
    int dIn = x.cols();
    double[] in = x.data();
    double[] out = new double[n * outPixels * c];
    double scale = 1.0 / (pool.kh() * pool.kw());
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < pool.hOut(); a++) {
        for (int b = 0; b < pool.wOut(); b++) {
          int to = (i * outPixels + a * pool.wOut() + b) * c;
          for (int u = 0; u < pool.kh(); u++) {
            int ia = pool.mapH()[u][a];
            if (ia < 0) {
              continue;
            }
            for (int v = 0; v < pool.kw(); v++) {
              int jb = pool.mapW()[v][b];
              if (jb < 0) {
                continue;
              }
              int from = i * dIn + (ia * wIn + jb) * c;
              for (int ch = 0; ch < c; ch++) {
                out[to + ch] += in[from + ch];
              }
            }
          }
          for (int ch = 0; ch < c; ch++) {
            out[to + ch] *= scale;
          }
        }
      }
    }
    return new Matrix(n, outPixels * c, out);
  }

  /**
   * Not for a state without spatial axes: a convolutional network starts from its image inputs
   * ({@link NeuralKernels#compute}, {@link NeuralKernels#tile}).
   */
  @Override
  public KernelState apply(KernelState in) {
    throw new IllegalArgumentException(
        "the convolutional network "
            + description
            + " needs its image inputs, not an examples × examples kernel; compute it with"
            + " NeuralKernels");
  }

  @Override
  public String toString() {
    return description;
  }
}
