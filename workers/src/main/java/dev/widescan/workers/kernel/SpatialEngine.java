package dev.widescan.workers.kernel;

import dev.widescan.workers.kernel.ConvNetwork.Pool;
import dev.widescan.workers.kernel.ConvNetwork.Segment;
import dev.widescan.workers.kernel.ConvNetwork.Stage;
import dev.widescan.workers.kernel.ConvNetwork.Window;
import dev.widescan.workers.kernel.PointwiseEngine.Variances;
import dev.widescan.workers.linalg.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * The kernels of a {@link ConvNetwork} on image inputs, following neural-tangents' {@code stax}
 * (Novak et al. 2019, "Bayesian Deep Convolutional Networks with Many Channels are Gaussian
 * Processes"; Arora et al. 2019, "On Exact Computation with an Infinitely Wide Neural Net"):
 *
 * <pre>
 *   K₀(x, x')[p, q] = x[p]·x'[q] / C,   Θ₀ = 0                         (input, per pixel pair)
 *   A(K)[p, q] = (1/(kh·kw)) Σ_δ K[p + δ, q + δ]                      (conv window; padding = 0)
 *   conv:  K ← W²·A(K) + b²,   Θ ← K + W²·A(Θ)                        (NTK parameterization)
 *          Θ ← fan_in·A(K_old) + 1 + W²·A(Θ),  fan_in = C_in·kh·kw     (standard)
 *   avg_pool: K[p, q] ← mean over the windows of p and of q, independently
 *   flatten: K ← mean_p K[p, p];   global_avg_pool: K ← mean_{p,q} K[p, q]
 * </pre>
 *
 * and the activations' closed forms (or quadrature) on every pixel pair, with the variances K(x,
 * x)[p, p] of the pixels involved.
 *
 * <p>Two ways to hold the state, chosen by the network: with pooling or global average pooling,
 * each pair of examples carries its whole pixel × pixel covariance, computed one pair at a time in
 * per-thread buffers (nothing holds examples × examples × pixels²). Without pooling before global
 * average pooling (CNN-GAP), a pair runs as a pipeline by image rows through the conv levels
 * ({@link Fused}): each output pixel's row of pixel pairs is window-summed and run through its
 * pointwise layers while in cache, and a level keeps only the image rows the next window still
 * reads; the per-pixel variances come from each example's spatial diagonal, which evolves on its
 * own. With pooling, every layer runs on whole pixels² arrays, and the variances come from each
 * example's own pair, computed first. Without pooling and read out by flatten, only the spatial
 * diagonal matters; then a row example against all column examples is held as pixels × columns and
 * every layer acts on whole rows of columns (the window sums are row additions, the activations the
 * same row loops as fully-connected kernels).
 *
 * <p>Every pair's arithmetic is independent of the block it is computed in, so tiles assemble to
 * the whole kernel bit for bit; a symmetric block computes each pair once and mirrors.
 */
final class SpatialEngine {
  private SpatialEngine() {}

  /**
   * Where the time goes, for benchmarks: nanoseconds per phase summed over threads, counted only
   * while switched on (off, each phase costs one read of a volatile per row of work).
   */
  static final class Phases {
    static final int INPUT = 0;
    static final int WINDOW = 1;
    static final int POINTWISE = 2;
    static final int REDUCE = 3;
    static final String[] NAMES = {
      "input products", "window sums", "pointwise layers", "reductions"
    };
    private static final LongAdder[] NANOS = {
      new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()
    };
    private static volatile boolean on;

    private Phases() {}

    static void enable(boolean enabled) {
      for (LongAdder a : NANOS) {
        a.reset();
      }
      on = enabled;
    }

    static double[] seconds() {
      double[] out = new double[NANOS.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = NANOS[i].sum() / 1e9;
      }
      return out;
    }

    /** The clock now, if counting. */
    static long start() {
      return on ? System.nanoTime() : 0L;
    }

    /** Adds the time since {@code since} to {@code phase} and returns the clock now. */
    static long lap(int phase, long since) {
      if (since == 0L) {
        return 0L;
      }
      long now = System.nanoTime();
      NANOS[phase].add(now - since);
      return now;
    }
  }

  /** The block {@code xRows × xCols} (flattened NHWC images, one per row) after the network. */
  static KernelState block(ConvNetwork net, Matrix xRows, Matrix xCols, boolean symmetric) {
    requireImages(net, xRows, "row");
    requireImages(net, xCols, "column");
    KernelState reduced =
        net.full
            ? fullBlock(net, xRows, xCols, symmetric, Fused.plan(net))
            : diagonalBlock(net, xRows, xCols, symmetric);
    return net.headLayers.isEmpty() ? reduced : PointwiseEngine.apply(net.headLayers, reduced);
  }

  /**
   * As {@link #block}, with the full pixel × pixel state always computed layer by layer on whole
   * pixels² arrays (the path of networks with pooling): the reference the fused path is tested
   * against.
   */
  static KernelState blockLayerByLayer(
      ConvNetwork net, Matrix xRows, Matrix xCols, boolean symmetric) {
    if (!net.full) {
      throw new IllegalArgumentException(net + " keeps only the spatial diagonal");
    }
    KernelState reduced = fullBlock(net, xRows, xCols, symmetric, null);
    return net.headLayers.isEmpty() ? reduced : PointwiseEngine.apply(net.headLayers, reduced);
  }

  /** Whether {@link #block} computes this network's full state by the fused pipeline. */
  static boolean fused(ConvNetwork net) {
    return Fused.plan(net) != null;
  }

  /** K(x, x) and Θ(x, x) of every example: {@code [0]} NNGP, {@code [1]} NTK. */
  static double[][] diagonal(ConvNetwork net, Matrix x) {
    requireImages(net, x, "");
    int n = x.rows();
    double[] k = new double[n];
    double[] theta = new double[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              Matrix one = x.rowRange(i, i + 1);
              KernelState s = block(net, one, one, true);
              k[i] = s.nngp().get(0, 0);
              theta[i] = s.ntk().get(0, 0);
            });
    return new double[][] {k, theta};
  }

  private static void requireImages(ConvNetwork net, Matrix x, String which) {
    if (x.cols() != net.input.features()) {
      throw new IllegalArgumentException(
          "the "
              + which
              + (which.isEmpty() ? "" : " ")
              + "inputs have "
              + x.cols()
              + " features but the network was built for "
              + net.input
              + " images ("
              + net.input.features()
              + " features)");
    }
  }

  // ---------------------------------------------------------------- full pixel × pixel state

  /** What an example's own pair leaves: the variances at each segment, the reduced K and Θ. */
  private static final class SelfTrace {
    final Variances[] segments;
    double k;
    double theta;

    SelfTrace(int stages) {
      segments = new Variances[stages];
    }
  }

  /** Per-thread buffers for one pair's pixel × pixel kernels. */
  private static final class PairBuffers {
    double[] k;
    double[] theta;
    double[] next;
    double[] tmp;
    final double[] kRow;
    final double[] thetaRow;
    final Pointwise.Work work;

    PairBuffers(int pixels) {
      int size = Math.multiplyExact(pixels, pixels);
      k = new double[size];
      theta = new double[size];
      next = new double[size];
      tmp = new double[size];
      kRow = new double[pixels];
      thetaRow = new double[pixels];
      work = new Pointwise.Work(pixels);
    }
  }

  private static KernelState fullBlock(
      ConvNetwork net, Matrix xRows, Matrix xCols, boolean symmetric, Fused plan) {
    int n1 = xRows.rows();
    int n2 = xCols.rows();
    int pixels = net.input.pixels();
    ThreadLocal<PairBuffers> buffers =
        plan != null ? null : ThreadLocal.withInitial(() -> new PairBuffers(pixels));
    SelfTrace[] rowTraces = selfTraces(net, plan, xRows, buffers);
    SelfTrace[] colTraces = symmetric ? rowTraces : selfTraces(net, plan, xCols, buffers);
    double[] k = new double[Math.multiplyExact(n1, n2)];
    double[] theta = new double[k.length];
    long count = symmetric ? (long) n1 * (n1 - 1) / 2 : (long) n1 * n2;
    int[] rowOf = new int[Math.toIntExact(count)];
    int[] colOf = new int[rowOf.length];
    int at = 0;
    for (int i = 0; i < n1; i++) {
      for (int j = symmetric ? i + 1 : 0; j < n2; j++) {
        rowOf[at] = i;
        colOf[at++] = j;
      }
    }
    double[] xr = xRows.data();
    double[] xc = xCols.data();
    int features = net.input.features();
    IntStream.range(0, rowOf.length)
        .parallel()
        .forEach(
            t -> {
              int i = rowOf[t];
              int j = colOf[t];
              // Pooling and the global mean add in an order that follows the row image, so each
              // pair runs in one orientation, whichever block holds it: K(x, x') = K(x', x) bits.
              int xi = i * features;
              int xj = j * features;
              boolean forward = Arrays.compare(xr, xi, xi + features, xc, xj, xj + features) <= 0;
              if (plan != null) {
                Fused.Pipe pipe = plan.pipe();
                if (forward) {
                  pipe.run(xr, xi, xc, xj, rowTraces[i], colTraces[j], false);
                } else {
                  pipe.run(xc, xj, xr, xi, colTraces[j], rowTraces[i], false);
                }
                k[i * n2 + j] = pipe.kSum;
                theta[i * n2 + j] = pipe.thetaSum;
                return;
              }
              PairBuffers b = buffers.get();
              if (forward) {
                runPair(net, b, xr, xi, xc, xj, rowTraces[i], colTraces[j], null);
              } else {
                runPair(net, b, xc, xj, xr, xi, colTraces[j], rowTraces[i], null);
              }
              k[i * n2 + j] = b.k[0];
              theta[i * n2 + j] = b.theta[0];
            });
    double[] var1 = new double[n1];
    double[] var2 = new double[n2];
    for (int i = 0; i < n1; i++) {
      var1[i] = rowTraces[i].k;
    }
    for (int j = 0; j < n2; j++) {
      var2[j] = colTraces[j].k;
    }
    if (symmetric) {
      for (int i = 0; i < n1; i++) {
        k[i * n2 + i] = rowTraces[i].k;
        theta[i * n2 + i] = rowTraces[i].theta;
        for (int j = 0; j < i; j++) {
          k[i * n2 + j] = k[j * n2 + i];
          theta[i * n2 + j] = theta[j * n2 + i];
        }
      }
    }
    return new KernelState(
        new Matrix(n1, n2, k), new Matrix(n1, n2, theta), var1, var2, symmetric, 0);
  }

  private static SelfTrace[] selfTraces(
      ConvNetwork net, Fused plan, Matrix x, ThreadLocal<PairBuffers> buffers) {
    int n = x.rows();
    int features = net.input.features();
    double[] xd = x.data();
    SelfTrace[] out = new SelfTrace[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              SelfTrace trace = new SelfTrace(net.stages.size());
              if (plan != null) {
                plan.pixelVariances(xd, i * features, trace);
                Fused.Pipe pipe = plan.pipe();
                pipe.run(xd, i * features, xd, i * features, trace, trace, true);
                trace.k = pipe.kSum;
                trace.theta = pipe.thetaSum;
              } else {
                PairBuffers b = buffers.get();
                runPair(net, b, xd, i * features, xd, i * features, null, null, trace);
                trace.k = b.k[0];
                trace.theta = b.theta[0];
              }
              out[i] = trace;
            });
    return out;
  }

  /**
   * One pair through every stage and the reduction; the reduced K and Θ are left in {@code b.k[0]}
   * and {@code b.theta[0]}. With {@code record} the pair is an example with itself: the variances
   * come from its own diagonal and are recorded for the example's other pairs.
   */
  private static void runPair(
      ConvNetwork net,
      PairBuffers b,
      double[] x,
      int xOff,
      double[] y,
      int yOff,
      SelfTrace rowTrace,
      SelfTrace colTrace,
      SelfTrace record) {
    int h = net.input.height();
    int w = net.input.width();
    int c = net.input.channels();
    int pixels = h * w;
    double[] k = b.k;
    long clock = Phases.start();
    for (int p = 0; p < pixels; p++) {
      int row = p * pixels;
      int xp = xOff + p * c;
      for (int q = 0; q < pixels; q++) {
        int yq = yOff + q * c;
        double s = 0;
        for (int ch = 0; ch < c; ch++) {
          s += x[xp + ch] * y[yq + ch];
        }
        k[row + q] = s / c;
      }
    }
    clock = Phases.lap(Phases.INPUT, clock);
    boolean thetaZero = true;
    for (int s = 0; s < net.stages.size(); s++) {
      Stage stage = net.stages.get(s);
      if (stage instanceof Window win) {
        windowPair(b.k, b.next, b.tmp, win);
        swapK(b);
        if (!thetaZero) {
          windowPair(b.theta, b.next, b.tmp, win);
          swapTheta(b);
        }
        h = win.hOut();
        w = win.wOut();
        clock = Phases.lap(Phases.WINDOW, clock);
      } else if (stage instanceof Pool pool) {
        poolPair(b.k, b.next, b.tmp, pool);
        swapK(b);
        if (!thetaZero) {
          poolPair(b.theta, b.next, b.tmp, pool);
          swapTheta(b);
        }
        h = pool.hOut();
        w = pool.wOut();
        clock = Phases.lap(Phases.WINDOW, clock);
      } else if (stage instanceof Segment seg) {
        pixels = h * w;
        if (thetaZero) {
          Arrays.fill(b.theta, 0, pixels * pixels, 0.0);
          thetaZero = false;
        }
        if (record != null) {
          double[] v = new double[pixels];
          for (int p = 0; p < pixels; p++) {
            v[p] = b.k[p * pixels + p];
          }
          Variances vars = new Variances(seg.chain().variances(v));
          record.segments[s] = vars;
          segmentPair(seg, b, pixels, vars, vars, true);
        } else {
          segmentPair(seg, b, pixels, rowTrace.segments[s], colTrace.segments[s], false);
        }
        clock = Phases.lap(Phases.POINTWISE, clock);
      }
    }
    pixels = h * w;
    double kSum = 0;
    double thetaSum = 0;
    if (net.globalPool) {
      int size = pixels * pixels;
      for (int e = 0; e < size; e++) {
        kSum += b.k[e];
      }
      if (!thetaZero) {
        for (int e = 0; e < size; e++) {
          thetaSum += b.theta[e];
        }
      }
      b.k[0] = kSum / ((double) pixels * pixels);
      b.theta[0] = thetaSum / ((double) pixels * pixels);
    } else {
      for (int p = 0; p < pixels; p++) {
        kSum += b.k[p * pixels + p];
        thetaSum += thetaZero ? 0.0 : b.theta[p * pixels + p];
      }
      b.k[0] = kSum / pixels;
      b.theta[0] = thetaSum / pixels;
    }
    Phases.lap(Phases.REDUCE, clock);
  }

  private static void swapK(PairBuffers b) {
    double[] t = b.k;
    b.k = b.next;
    b.next = t;
  }

  private static void swapTheta(PairBuffers b) {
    double[] t = b.theta;
    b.theta = b.next;
    b.next = t;
  }

  /**
   * Pointwise layers on every pixel pair, row by row (upper triangle and mirror for a self pair).
   */
  private static void segmentPair(
      Segment seg, PairBuffers b, int pixels, Variances rowVars, Variances colVars, boolean self) {
    double[] k = b.k;
    double[] theta = b.theta;
    double[] kRow = b.kRow;
    double[] thetaRow = b.thetaRow;
    for (int p = 0; p < pixels; p++) {
      int row = p * pixels;
      int c0 = self ? p : 0;
      int len = pixels - c0;
      System.arraycopy(k, row + c0, kRow, c0, len);
      System.arraycopy(theta, row + c0, thetaRow, c0, len);
      seg.chain().row(rowVars, p, colVars, kRow, thetaRow, c0, len, self, b.work);
      System.arraycopy(kRow, c0, k, row + c0, len);
      System.arraycopy(thetaRow, c0, theta, row + c0, len);
    }
    if (self) {
      for (int p = 0; p < pixels; p++) {
        for (int q = 0; q < p; q++) {
          k[p * pixels + q] = k[q * pixels + p];
          theta[p * pixels + q] = theta[q * pixels + p];
        }
      }
    }
  }

  /**
   * The conv window average of a pixel × pixel kernel laid out [a][b][c][d] (p = (a, b), q = (c,
   * d)): first the row offset u on both sides (whole runs over d), then the column offset v (runs
   * of d shifted by v), then 1/(kh·kw). A symmetric input gives a symmetric output, bit for bit.
   */
  static void windowPair(double[] src, double[] dst, double[] tmp, Window win) {
    int hIn = win.hIn();
    int wIn = win.wIn();
    int hOut = win.hOut();
    int wOut = win.wOut();
    Arrays.fill(tmp, 0, hOut * wIn * hOut * wIn, 0.0);
    for (int a = 0; a < hOut; a++) {
      for (int c = 0; c < hOut; c++) {
        for (int u = 0; u < win.kh(); u++) {
          int ia = win.mapH()[u][a];
          int ic = win.mapH()[u][c];
          if (ia < 0 || ic < 0) {
            continue;
          }
          for (int bb = 0; bb < wIn; bb++) {
            int from = ((ia * wIn + bb) * hIn + ic) * wIn;
            int to = ((a * wIn + bb) * hOut + c) * wIn;
            for (int d = 0; d < wIn; d++) {
              tmp[to + d] += src[from + d];
            }
          }
        }
      }
    }
    int size = hOut * wOut * hOut * wOut;
    Arrays.fill(dst, 0, size, 0.0);
    int[][] runs = runs(win.mapW());
    for (int a = 0; a < hOut; a++) {
      for (int bb = 0; bb < wOut; bb++) {
        for (int c = 0; c < hOut; c++) {
          int to = ((a * wOut + bb) * hOut + c) * wOut;
          for (int v = 0; v < win.kw(); v++) {
            int jb = win.mapW()[v][bb];
            if (jb < 0) {
              continue;
            }
            int from = ((a * wIn + jb) * hOut + c) * wIn;
            int[] r = runs[v];
            for (int at = 0; at < r.length; at += 3) {
              int dFrom = to + r[at];
              int sFrom = from + r[at + 1];
              for (int t = 0, len = r[at + 2]; t < len; t++) {
                dst[dFrom + t] += tmp[sFrom + t];
              }
            }
          }
        }
      }
    }
    double scale = 1.0 / (win.kh() * win.kw());
    for (int e = 0; e < size; e++) {
      dst[e] *= scale;
    }
  }

  /**
   * For each offset v, the runs of output positions whose input positions are consecutive: triples
   * (first output, first input, length), positions reading padding left out.
   */
  private static int[][] runs(int[][] map) {
    int[][] out = new int[map.length][];
    for (int v = 0; v < map.length; v++) {
      int[] m = map[v];
      int[] r = new int[3 * m.length];
      int count = 0;
      int o = 0;
      while (o < m.length) {
        if (m[o] < 0) {
          o++;
          continue;
        }
        int start = o;
        while (o + 1 < m.length && m[o + 1] == m[o] + 1) {
          o++;
        }
        r[count++] = start;
        r[count++] = m[start];
        r[count++] = o - start + 1;
        o++;
      }
      out[v] = Arrays.copyOf(r, count);
    }
    return out;
  }

  /** Average pooling on both sides: one axis at a time, then 1/(kh·kw)². */
  static void poolPair(double[] src, double[] dst, double[] tmp, Pool pool) {
    int hIn = pool.hIn();
    int wIn = pool.wIn();
    int hOut = pool.hOut();
    int wOut = pool.wOut();
    // [a][b][c][d]: a → hOut, then b → wOut, then c → hOut, then d → wOut.
    axisPass(src, tmp, new int[] {hIn, wIn, hIn, wIn}, 0, pool.mapH(), hOut);
    axisPass(tmp, dst, new int[] {hOut, wIn, hIn, wIn}, 1, pool.mapW(), wOut);
    axisPass(dst, tmp, new int[] {hOut, wOut, hIn, wIn}, 2, pool.mapH(), hOut);
    axisPass(tmp, dst, new int[] {hOut, wOut, hOut, wIn}, 3, pool.mapW(), wOut);
    int size = hOut * wOut * hOut * wOut;
    double scale = 1.0 / ((double) pool.kh() * pool.kw() * pool.kh() * pool.kw());
    for (int e = 0; e < size; e++) {
      dst[e] *= scale;
    }
  }

  /**
   * Sums {@code src} along one axis over a window map: out[..., o, ...] = Σ_u src[..., map[u][o],
   * ...].
   */
  private static void axisPass(
      double[] src, double[] dst, int[] dims, int axis, int[][] map, int outLen) {
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= dims[i];
    }
    int inner = 1;
    for (int i = axis + 1; i < dims.length; i++) {
      inner *= dims[i];
    }
    int n = dims[axis];
    for (int o1 = 0; o1 < outer; o1++) {
      for (int o = 0; o < outLen; o++) {
        int to = (o1 * outLen + o) * inner;
        Arrays.fill(dst, to, to + inner, 0.0);
        for (int[] m : map) {
          int i = m[o];
          if (i < 0) {
            continue;
          }
          int from = (o1 * n + i) * inner;
          for (int t = 0; t < inner; t++) {
            dst[to + t] += src[from + t];
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- fused full path (no pooling)

  /**
   * The full pixel × pixel state of a network without pooling (CNN-GAP and the like), computed by
   * image rows as a pipeline through the levels (the input, then each conv window), so that a pair
   * never holds a whole pixels² array: a level keeps only the few image rows of its output that the
   * next window still reads (a ring), and each output row is window-summed and run through its
   * pointwise layers while it is in cache, then read once by the next level.
   *
   * <p>Each window is summed first along image rows, then along image columns, then scaled by
   * 1/(kh·kw); along each axis the taps are added in a fixed order — a tap that reads no padding
   * anywhere first (assigned, not added to zero), then the others in ascending order — and the
   * example's own per-pixel variances ({@link #pixelVariances}) are computed on the spatial
   * diagonal in the same order, so the diagonal of an example's own pair equals them bit for bit.
   */
  private static final class Fused {
    private final ConvNetwork net;
    private final Level[] levels;
    private final int maxPixels;
    private final int maxTmpRows;
    private final int maxTmpLen;
    private final int maxTaps;
    private static final ThreadLocal<Pipe> PIPES = new ThreadLocal<>();

    /** The input (window null) or a conv window, then its pointwise segment (or none). */
    private static final class Level {
      final Window window;
      final Segment segment;
      final int stage;
      final int h;
      final int w;
      final int pixels;
      final boolean thetaZeroIn;
      final boolean thetaZeroOut;
      final Axis axisH;
      final Axis axisW;
      int ring;

      Level(Window window, Segment segment, int stage, int h, int w, boolean thetaZeroIn) {
        this.window = window;
        this.segment = segment;
        this.stage = stage;
        this.h = h;
        this.w = w;
        this.pixels = h * w;
        this.thetaZeroIn = thetaZeroIn;
        this.thetaZeroOut = thetaZeroIn && segment == null;
        this.ring = h;
        axisH = window == null ? null : new Axis(window.mapH());
        axisW = window == null ? null : new Axis(window.mapW());
      }
    }

    /**
     * One axis of a window: its taps in their order (one that reads no padding anywhere first, then
     * the others ascending), and its outputs cut into segments in each of which every tap reads
     * input o + offset or only padding, so a segment's sums are plain shifted-array loops.
     */
    private static final class Axis {
      static final int NONE = Integer.MIN_VALUE;
      final int[][] map;
      final int[] order;
      final int[] start;
      final int[] length;
      final int[][] offset;
      final int widest;

      Axis(int[][] map) {
        this.map = map;
        this.order = tapOrder(map);
        int out = map[0].length;
        List<int[]> sigs = new ArrayList<>();
        List<int[]> ranges = new ArrayList<>();
        for (int o = 0; o < out; o++) {
          int[] sig = new int[order.length];
          for (int k = 0; k < order.length; k++) {
            int i = map[order[k]][o];
            sig[k] = i < 0 ? NONE : i - o;
          }
          if (!sigs.isEmpty() && Arrays.equals(sigs.get(sigs.size() - 1), sig)) {
            ranges.get(ranges.size() - 1)[1]++;
          } else {
            sigs.add(sig);
            ranges.add(new int[] {o, 1});
          }
        }
        start = new int[ranges.size()];
        length = new int[ranges.size()];
        offset = sigs.toArray(int[][]::new);
        int best = 0;
        for (int g = 0; g < start.length; g++) {
          start[g] = ranges.get(g)[0];
          length[g] = ranges.get(g)[1];
          if (length[g] > length[best]) {
            best = g;
          }
        }
        widest = best;
      }
    }

    private Fused(ConvNetwork net, Level[] levels) {
      this.net = net;
      this.levels = levels;
      int px = 0;
      int rows = 0;
      int len = 0;
      int taps = 1;
      for (Level l : levels) {
        px = Math.max(px, l.pixels);
        if (l.window != null) {
          taps = Math.max(taps, Math.max(l.window.kh(), l.window.kw()));
          rows = Math.max(rows, l.window.wIn());
          len = Math.max(len, l.window.hOut() * l.window.wIn());
        }
      }
      this.maxPixels = px;
      this.maxTmpRows = rows;
      this.maxTmpLen = len;
      this.maxTaps = taps;
    }

    /** The pipeline of a network read out by global average pooling with no pooling before. */
    static Fused plan(ConvNetwork net) {
      if (!net.globalPool) {
        return null;
      }
      List<Level> levels = new ArrayList<>();
      List<Stage> stages = net.stages;
      int h = net.input.height();
      int w = net.input.width();
      boolean thetaZero = true;
      int s = 0;
      Window window = null;
      while (true) {
        Segment seg = null;
        int stage = -1;
        if (s < stages.size() && stages.get(s) instanceof Segment g) {
          seg = g;
          stage = s++;
        }
        Level level = new Level(window, seg, stage, h, w, thetaZero);
        levels.add(level);
        thetaZero = level.thetaZeroOut;
        if (s == stages.size()) {
          break;
        }
        if (!(stages.get(s) instanceof Window win)) {
          return null;
        }
        window = win;
        h = win.hOut();
        w = win.wOut();
        s++;
      }
      Level[] out = levels.toArray(Level[]::new);
      // The rows of level l − 1 that must be held at once while level l's rows are made in order.
      for (int l = 1; l < out.length; l++) {
        int[][] map = out[l].window.mapH();
        int produced = -1;
        int ring = 1;
        for (int a = 0; a < out[l].h; a++) {
          int lo = Integer.MAX_VALUE;
          for (int[] m : map) {
            if (m[a] >= 0) {
              produced = Math.max(produced, m[a]);
              lo = Math.min(lo, m[a]);
            }
          }
          if (lo != Integer.MAX_VALUE) {
            ring = Math.max(ring, produced - lo + 1);
          }
        }
        out[l - 1].ring = Math.min(ring, out[l - 1].h);
      }
      out[out.length - 1].ring = 1;
      return new Fused(net, out);
    }

    /** This thread's pipe, reused from block to block while it fits. */
    Pipe pipe() {
      Pipe p = PIPES.get();
      if (p == null || !p.fits(this)) {
        p = new Pipe(this);
        PIPES.set(p);
      }
      p.bind(this);
      return p;
    }

    /**
     * The example's per-pixel variances at every segment, into {@code trace.segments}: the spatial
     * diagonal of its own pair, which evolves on its own (a window reads only diagonal entries).
     */
    void pixelVariances(double[] x, int xOff, SelfTrace trace) {
      int c = net.input.channels();
      double[] v = new double[levels[0].pixels];
      for (int p = 0; p < v.length; p++) {
        int at = xOff + p * c;
        double sum = x[at] * x[at];
        for (int ch = 1; ch < c; ch++) {
          sum += x[at + ch] * x[at + ch];
        }
        v[p] = sum / c;
      }
      for (Level level : levels) {
        if (level.window != null) {
          v = windowDiagonal(level, v);
        }
        if (level.segment != null) {
          Variances vars = new Variances(level.segment.chain().variances(v));
          trace.segments[level.stage] = vars;
          v = vars.last();
        }
      }
    }

    /** The window on the spatial diagonal, in the same order as on the full state. */
    private static double[] windowDiagonal(Level level, double[] v) {
      Window win = level.window;
      int wIn = win.wIn();
      int hOut = win.hOut();
      int wOut = win.wOut();
      double[] tmp = new double[hOut * wIn];
      for (int a = 0; a < hOut; a++) {
        for (int b = 0; b < wIn; b++) {
          double sum = 0.0;
          boolean first = true;
          for (int u : level.axisH.order) {
            int ia = win.mapH()[u][a];
            if (ia >= 0) {
              sum = first ? v[ia * wIn + b] : sum + v[ia * wIn + b];
              first = false;
            }
          }
          tmp[a * wIn + b] = sum;
        }
      }
      double[] out = new double[hOut * wOut];
      double scale = 1.0 / (win.kh() * win.kw());
      for (int a = 0; a < hOut; a++) {
        for (int b = 0; b < wOut; b++) {
          double sum = 0.0;
          boolean first = true;
          for (int u : level.axisW.order) {
            int jb = win.mapW()[u][b];
            if (jb >= 0) {
              sum = first ? tmp[a * wIn + jb] : sum + tmp[a * wIn + jb];
              first = false;
            }
          }
          out[a * wOut + b] = sum * scale;
        }
      }
      return out;
    }

    /** A thread's buffers and the pair it is computing. */
    static final class Pipe {
      private Fused plan;
      private final int[] ringShape;
      private final double[][][][] k;
      private final double[][][][] theta;
      private final int[] produced;
      private final Tmp tmpK;
      private final Tmp tmpT;
      private int stamp;
      private final Pointwise.Work work;
      private final double[][] taps;
      private final double[][] shifted;
      private final int[] tapFrom;
      private final double[][][] tapRows;
      private double[] x;
      private int xOff;
      private double[] y;
      private int yOff;
      private SelfTrace rowTrace;
      private SelfTrace colTrace;
      private boolean self;
      private long clock;

      /** The pair's reduced K and Θ after {@link #run}. */
      double kSum;

      double thetaSum;

      Pipe(Fused plan) {
        Level[] levels = plan.levels;
        ringShape = new int[3 * levels.length];
        k = new double[levels.length][][][];
        theta = new double[levels.length][][][];
        for (int l = 0; l < levels.length; l++) {
          Level lv = levels[l];
          ringShape[3 * l] = lv.ring;
          ringShape[3 * l + 1] = lv.w;
          ringShape[3 * l + 2] = lv.pixels;
          k[l] = new double[lv.ring][lv.w][lv.pixels];
          theta[l] = new double[lv.ring][lv.w][lv.pixels];
        }
        produced = new int[levels.length];
        tmpK = new Tmp(plan.maxTmpRows, plan.maxTmpLen);
        tmpT = new Tmp(plan.maxTmpRows, plan.maxTmpLen);
        work = new Pointwise.Work(plan.maxPixels);
        taps = new double[plan.maxTaps][];
        shifted = new double[plan.maxTaps][plan.maxTmpLen];
        tapFrom = new int[plan.maxTaps];
        tapRows = new double[plan.maxTaps][][];
      }

      boolean fits(Fused plan) {
        Level[] levels = plan.levels;
        if (ringShape.length != 3 * levels.length
            || tmpK.rows.length < plan.maxTmpRows
            || (tmpK.rows.length > 0 && tmpK.rows[0].length < plan.maxTmpLen)
            || work.a.length < plan.maxPixels
            || taps.length < plan.maxTaps) {
          return false;
        }
        for (int l = 0; l < levels.length; l++) {
          if (ringShape[3 * l] != levels[l].ring
              || ringShape[3 * l + 1] != levels[l].w
              || ringShape[3 * l + 2] != levels[l].pixels) {
            return false;
          }
        }
        return true;
      }

      void bind(Fused plan) {
        this.plan = plan;
      }

      /**
       * The pair (x, y) through every level and global average pooling, into {@link #kSum} and
       * {@link #thetaSum}; {@code self}: x is y, whose diagonal entries are set to its variances.
       */
      void run(
          double[] x,
          int xOff,
          double[] y,
          int yOff,
          SelfTrace rowTrace,
          SelfTrace colTrace,
          boolean self) {
        this.x = x;
        this.xOff = xOff;
        this.y = y;
        this.yOff = yOff;
        this.rowTrace = rowTrace;
        this.colTrace = colTrace;
        this.self = self;
        Arrays.fill(produced, 0);
        clock = Phases.start();
        Level[] levels = plan.levels;
        int last = levels.length - 1;
        Level top = levels[last];
        double ks = 0;
        double ts = 0;
        for (int a = 0; a < top.h; a++) {
          produce(last, a);
          double[][] kr = k[last][0];
          double[][] tr = theta[last][0];
          for (int b = 0; b < top.w; b++) {
            ks += sum(kr[b], top.pixels);
            if (!top.thetaZeroOut) {
              ts += sum(tr[b], top.pixels);
            }
          }
          clock = Phases.lap(Phases.REDUCE, clock);
        }
        double count = (double) top.pixels * top.pixels;
        kSum = ks / count;
        thetaSum = ts / count;
      }

      /** Makes row {@code a} of level {@code l}, after the rows of level l − 1 it reads. */
      private void produce(int l, int a) {
        Level lv = plan.levels[l];
        if (l > 0) {
          int need = -1;
          for (int[] m : lv.window.mapH()) {
            need = Math.max(need, m[a]);
          }
          while (produced[l - 1] <= need) {
            produce(l - 1, produced[l - 1]++);
          }
        }
        int slot = a % lv.ring;
        double[][] kr = k[l][slot];
        double[][] tr = theta[l][slot];
        Level prev = l > 0 ? plan.levels[l - 1] : null;
        boolean thetaWindow = prev != null && !prev.thetaZeroOut;
        if (prev != null) {
          stamp += 2;
        }
        for (int b = 0; b < lv.w; b++) {
          if (prev == null) {
            inputPixel(lv, a, b, kr[b]);
            clock = Phases.lap(Phases.INPUT, clock);
          } else {
            windowPixel(lv, a, b, k[l - 1], prev.ring, tmpK, stamp, kr[b]);
            if (thetaWindow) {
              windowPixel(lv, a, b, theta[l - 1], prev.ring, tmpT, stamp + 1, tr[b]);
            }
            clock = Phases.lap(Phases.WINDOW, clock);
          }
          if (lv.segment != null) {
            segmentPixel(lv, a * lv.w + b, kr[b], tr[b]);
            clock = Phases.lap(Phases.POINTWISE, clock);
          }
        }
      }

      /** The pointwise layers on pixel p's row of pixel pairs. */
      private void segmentPixel(Level lv, int p, double[] kRow, double[] tRow) {
        PointwiseEngine.Chain chain = lv.segment.chain();
        Variances rv = rowTrace.segments[lv.stage];
        Variances cv = colTrace.segments[lv.stage];
        int px = lv.pixels;
        if (lv.thetaZeroIn) {
          Arrays.fill(tRow, 0, px, 0.0);
        }
        if (self) {
          if (p > 0) {
            chain.row(rv, p, cv, kRow, tRow, 0, p, false, work);
          }
          chain.row(rv, p, cv, kRow, tRow, p, px - p, true, work);
        } else {
          chain.row(rv, p, cv, kRow, tRow, 0, px, false, work);
        }
      }

      /** Input pixel p = (a, b): K₀[p][q] = x[p]·y[q] / C. */
      private void inputPixel(Level lv, int a, int b, double[] row) {
        int c = plan.net.input.channels();
        int px = lv.pixels;
        int xp = xOff + (a * lv.w + b) * c;
        double x0 = x[xp];
        if (c == 1) {
          for (int q = 0; q < px; q++) {
            row[q] = x0 * y[yOff + q];
          }
          return;
        }
        for (int q = 0; q < px; q++) {
          row[q] = x0 * y[yOff + q * c];
        }
        for (int ch = 1; ch < c; ch++) {
          double xc = x[xp + ch];
          for (int q = 0; q < px; q++) {
            row[q] += xc * y[yOff + q * c + ch];
          }
        }
        for (int q = 0; q < px; q++) {
          row[q] /= c;
        }
      }

      /**
       * Output pixel (a, b) of a window over the ring {@code src} of the level below, into {@code
       * out} (over q): the sums along image rows of each input column jb it reads, made once per
       * output row into {@code tmp[jb]} (marked with {@code stamp}), then along image columns and
       * times 1/(kh·kw). Each entry is the sum of its valid taps in the axis' order.
       */
      private void windowPixel(
          Level lv, int a, int b, double[][][] src, int ring, Tmp tmp, int stamp, double[] out) {
        Window win = lv.window;
        int wIn = win.wIn();
        int hOut = win.hOut();
        int wOut = win.wOut();
        Axis aw = lv.axisW;
        for (int[] m : aw.map) {
          int jb = m[b];
          if (jb >= 0 && tmp.stamp[jb] != stamp) {
            rowSums(lv, a, jb, src, ring, tmp.rows[jb]);
            tmp.stamp[jb] = stamp;
          }
        }
        double[][] sums = tmp.rows;
        double scale = 1.0 / (win.kh() * win.kw());
        int wide = aw.widest;
        boolean flat = wIn == wOut;
        if (flat) {
          // The widest segment's taps over every image row at once (its entries in the other
          // segments come out wrong here and are overwritten just below).
          int count = columnTaps(aw, wide, b, sums);
          int from = aw.start[wide];
          int to = (hOut - 1) * wOut + aw.start[wide] + aw.length[wide];
          combine(out, from, taps, tapFrom, count, to - from, scale, shifted);
        }
        for (int g = 0; g < aw.start.length; g++) {
          if (flat && g == wide) {
            continue;
          }
          int count = columnTaps(aw, g, b, sums);
          if (aw.length[g] == 1) {
            combineStrided(out, aw.start[g], wOut, taps, tapFrom, wIn, count, hOut, scale);
            continue;
          }
          for (int c = 0; c < hOut; c++) {
            combine(
                out, c * wOut + aw.start[g], taps, tapFrom, count, aw.length[g], scale, shifted);
            for (int t = 0; t < count; t++) {
              tapFrom[t] += wIn;
            }
          }
        }
      }

      /** Σ over the row taps u of input row mapH[u][a], column jb, shifted: out over (c, d). */
      private void rowSums(Level lv, int a, int jb, double[][][] src, int ring, double[] out) {
        int wIn = lv.window.wIn();
        Axis ax = lv.axisH;
        for (int g = 0; g < ax.start.length; g++) {
          int count = 0;
          for (int t = 0; t < ax.order.length; t++) {
            int ia = ax.map[ax.order[t]][a];
            if (ia >= 0 && ax.offset[g][t] != Axis.NONE) {
              taps[count] = src[ia % ring][jb];
              tapFrom[count] = (ax.start[g] + ax.offset[g][t]) * wIn;
              count++;
            }
          }
          combine(out, ax.start[g] * wIn, taps, tapFrom, count, ax.length[g] * wIn, 1.0, shifted);
        }
      }

      /**
       * The taps of output column b in segment g of the column axis into {@link #taps} and {@link
       * #tapFrom} (the first entry each reads in image row 0); returns their number.
       */
      private int columnTaps(Axis aw, int g, int b, double[][] sums) {
        int count = 0;
        for (int t = 0; t < aw.order.length; t++) {
          int jb = aw.map[aw.order[t]][b];
          if (jb >= 0 && aw.offset[g][t] != Axis.NONE) {
            taps[count] = sums[jb];
            tapFrom[count] = aw.start[g] + aw.offset[g][t];
            count++;
          }
        }
        return count;
      }
    }

    /** Sums along image rows by input column, each marked with the output row it was made for. */
    private static final class Tmp {
      final double[][] rows;
      final int[] stamp;

      Tmp(int columns, int length) {
        rows = new double[columns][length];
        stamp = new int[columns];
        Arrays.fill(stamp, Integer.MIN_VALUE);
      }
    }

    /** Whether a window offset reads no padding at any output position. */
    private static boolean everywhere(int[] map) {
      for (int i : map) {
        if (i < 0) {
          return false;
        }
      }
      return true;
    }

    /** The taps in their order: one that reads no padding anywhere first, then the others. */
    private static int[] tapOrder(int[][] map) {
      int lead = -1;
      for (int u = 0; u < map.length && lead < 0; u++) {
        if (everywhere(map[u])) {
          lead = u;
        }
      }
      int[] order = new int[map.length];
      int at = 0;
      if (lead >= 0) {
        order[at++] = lead;
      }
      for (int u = 0; u < map.length; u++) {
        if (u != lead) {
          order[at++] = u;
        }
      }
      return order;
    }
  }

  /** dst[to + i] += src[from + i] for i in [0, len). */
  private static void addTo(double[] dst, int to, double[] src, int from, int len) {
    for (int i = 0; i < len; i++) {
      dst[to + i] += src[from + i];
    }
  }

  /**
   * out[to + i] = (Σ_t src[t][from[t] + i]) · scale for i in [0, len), the terms added in their
   * order (0 with none). A term read at another offset than {@code to} is first copied to {@code
   * to} in a scratch row of {@code shifted}, so that the sum is one loop whose arrays all share one
   * index, which C2 vectorizes (with several offsets it stays scalar, ~3× slower than copy and
   * sum).
   */
  private static void combine(
      double[] out,
      int to,
      double[][] src,
      int[] from,
      int count,
      int len,
      double scale,
      double[][] shifted) {
    if (count == 0) {
      Arrays.fill(out, to, to + len, 0.0);
      return;
    }
    int end = to + len;
    double[] s0 = aligned(src, from, 0, to, len, shifted);
    switch (count) {
      case 1 -> {
        for (int i = to; i < end; i++) {
          out[i] = s0[i] * scale;
        }
      }
      case 2 -> {
        double[] s1 = aligned(src, from, 1, to, len, shifted);
        for (int i = to; i < end; i++) {
          out[i] = (s0[i] + s1[i]) * scale;
        }
      }
      case 3 -> {
        double[] s1 = aligned(src, from, 1, to, len, shifted);
        double[] s2 = aligned(src, from, 2, to, len, shifted);
        for (int i = to; i < end; i++) {
          out[i] = ((s0[i] + s1[i]) + s2[i]) * scale;
        }
      }
      default -> {
        for (int i = to; i < end; i++) {
          out[i] = s0[i];
        }
        for (int t = 1; t < count; t++) {
          double[] st = aligned(src, from, t, to, len, shifted);
          for (int i = to; i < end; i++) {
            out[i] += st[i];
          }
        }
        for (int i = to; i < end; i++) {
          out[i] *= scale;
        }
      }
    }
  }

  /** Term t of {@link #combine} with its entries at [to, to + len): itself, or a shifted copy. */
  private static double[] aligned(
      double[][] src, int[] from, int t, int to, int len, double[][] shifted) {
    if (from[t] == to) {
      return src[t];
    }
    System.arraycopy(src[t], from[t], shifted[t], to, len);
    return shifted[t];
  }

  /**
   * As {@link #combine} for one entry in each of {@code rows} rows: out[to + r·outStride] = (Σ_t
   * src[t][from[t] + r·inStride]) · scale.
   */
  private static void combineStrided(
      double[] out,
      int to,
      int outStride,
      double[][] src,
      int[] from,
      int inStride,
      int count,
      int rows,
      double scale) {
    for (int r = 0; r < rows; r++) {
      int o = to + r * outStride;
      int in = r * inStride;
      if (count == 0) {
        out[o] = 0.0;
        continue;
      }
      double sum = src[0][from[0] + in];
      for (int t = 1; t < count; t++) {
        sum += src[t][from[t] + in];
      }
      out[o] = sum * scale;
    }
  }

  /** The sum of a[0..len) in four interleaved partial sums (a fixed order). */
  private static double sum(double[] a, int len) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    for (; i < len; i++) {
      s0 += a[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  // ---------------------------------------------------------------- spatial diagonal only

  /** The variances of a set of examples through the stages, by pixel. */
  private static final class DiagonalTrace {
    /** {@code segments[s][p]}: the variances at pixel p through segment s, by example. */
    final Variances[][] segments;

    /** The variances after flatten, by example. */
    final double[] reduced;

    DiagonalTrace(ConvNetwork net, Matrix x) {
      int n = x.rows();
      int h = net.input.height();
      int w = net.input.width();
      int c = net.input.channels();
      int features = net.input.features();
      double[] xd = x.data();
      double[][] v = new double[h * w][n];
      for (int p = 0; p < h * w; p++) {
        for (int e = 0; e < n; e++) {
          int at = e * features + p * c;
          double s = 0;
          for (int ch = 0; ch < c; ch++) {
            s += xd[at + ch] * xd[at + ch];
          }
          v[p][e] = s / c;
        }
      }
      segments = new Variances[net.stages.size()][];
      for (int s = 0; s < net.stages.size(); s++) {
        Stage stage = net.stages.get(s);
        if (stage instanceof Window win) {
          double[][] next = new double[win.hOut() * win.wOut()][n];
          windowRows(v, next, new double[win.hOut() * win.wIn()][n], win, 0, n);
          v = next;
        } else if (stage instanceof Segment seg) {
          Variances[] at = new Variances[v.length];
          for (int p = 0; p < v.length; p++) {
            at[p] = new Variances(seg.chain().variances(v[p]));
            v[p] = at[p].last();
          }
          segments[s] = at;
        } else {
          throw new IllegalStateException("pooling needs the full pixel × pixel state");
        }
      }
      reduced = new double[n];
      for (int e = 0; e < n; e++) {
        double s = 0;
        for (double[] row : v) {
          s += row[e];
        }
        reduced[e] = s / v.length;
      }
    }
  }

  /** Columns per pass of the diagonal path: its pixels × columns rows then stay in cache. */
  private static final int DIAGONAL_CHUNK = 512;

  /**
   * A thread's rows for the diagonal path in one block, [pixel][column]: indexed by column like the
   * columns' variances (see {@link Pointwise.Op}), reused from row to row and chunk to chunk.
   */
  private static final class DiagonalBuffers {
    final double[][][] rows;
    final Pointwise.Work work;

    DiagonalBuffers(int pixels, int cols) {
      rows = new double[4][pixels][cols];
      work = new Pointwise.Work(cols);
    }
  }

  private static KernelState diagonalBlock(
      ConvNetwork net, Matrix xRows, Matrix xCols, boolean symmetric) {
    int n1 = xRows.rows();
    int n2 = xCols.rows();
    DiagonalTrace rowTrace = new DiagonalTrace(net, xRows);
    DiagonalTrace colTrace = symmetric ? rowTrace : new DiagonalTrace(net, xCols);
    int c = net.input.channels();
    int features = net.input.features();
    double[] xr = xRows.data();
    // The column inputs by feature, so the input products are loops over columns.
    double[][] yT = new double[features][n2];
    double[] xc = xCols.data();
    for (int j = 0; j < n2; j++) {
      for (int f = 0; f < features; f++) {
        yT[f][j] = xc[j * features + f];
      }
    }
    int maxRows = net.input.pixels();
    for (Stage stage : net.stages) {
      if (stage instanceof Window win) {
        maxRows = Math.max(maxRows, win.hOut() * Math.max(win.wIn(), win.wOut()));
      }
    }
    int rowsNeeded = maxRows;
    ThreadLocal<DiagonalBuffers> buffers =
        ThreadLocal.withInitial(() -> new DiagonalBuffers(rowsNeeded, n2));
    double[] k = new double[Math.multiplyExact(n1, n2)];
    double[] theta = new double[k.length];
    IntStream.range(0, n1)
        .parallel()
        .forEach(
            i -> {
              DiagonalBuffers buf = buffers.get();
              int c0 = symmetric ? i : 0;
              for (int j0 = c0; j0 < n2; j0 += DIAGONAL_CHUNK) {
                int j1 = Math.min(j0 + DIAGONAL_CHUNK, n2);
                diagonalChunk(
                    net,
                    buf,
                    xr,
                    i * features,
                    c,
                    yT,
                    i,
                    j0,
                    j1,
                    symmetric && j0 == i,
                    rowTrace,
                    colTrace,
                    k,
                    theta,
                    n2);
              }
            });
    if (symmetric) {
      for (int i = 0; i < n1; i++) {
        k[i * n2 + i] = rowTrace.reduced[i];
        for (int j = 0; j < i; j++) {
          k[i * n2 + j] = k[j * n2 + i];
          theta[i * n2 + j] = theta[j * n2 + i];
        }
      }
    }
    return new KernelState(
        new Matrix(n1, n2, k),
        new Matrix(n1, n2, theta),
        rowTrace.reduced,
        symmetric ? rowTrace.reduced : colTrace.reduced,
        symmetric,
        0);
  }

  /**
   * Row example i against columns [j0, j1) through every stage and flatten, into row i of {@code k}
   * and {@code theta}; {@code diagonal}: column j0 is the example itself.
   */
  private static void diagonalChunk(
      ConvNetwork net,
      DiagonalBuffers buf,
      double[] x,
      int xOff,
      int c,
      double[][] yT,
      int i,
      int j0,
      int j1,
      boolean diagonal,
      DiagonalTrace rowTrace,
      DiagonalTrace colTrace,
      double[] k,
      double[] theta,
      int n2) {
    double[][] kr = buf.rows[0];
    double[][] tr = buf.rows[1];
    double[][] next = buf.rows[2];
    double[][] tmp = buf.rows[3];
    int pixels = net.input.pixels();
    long clock = Phases.start();
    for (int p = 0; p < pixels; p++) {
      double[] row = kr[p];
      double[] y0 = yT[p * c];
      double x0 = x[xOff + p * c];
      for (int j = j0; j < j1; j++) {
        row[j] = x0 * y0[j];
      }
      if (c > 1) {
        for (int ch = 1; ch < c; ch++) {
          double[] yc = yT[p * c + ch];
          double xv = x[xOff + p * c + ch];
          for (int j = j0; j < j1; j++) {
            row[j] += xv * yc[j];
          }
        }
        for (int j = j0; j < j1; j++) {
          row[j] /= c;
        }
      }
    }
    clock = Phases.lap(Phases.INPUT, clock);
    boolean thetaZero = true;
    Pointwise.Work work = buf.work;
    for (int s = 0; s < net.stages.size(); s++) {
      Stage stage = net.stages.get(s);
      if (stage instanceof Window win) {
        windowRows(kr, next, tmp, win, j0, j1);
        double[][] t = kr;
        kr = next;
        next = t;
        if (!thetaZero) {
          windowRows(tr, next, tmp, win, j0, j1);
          t = tr;
          tr = next;
          next = t;
        }
        pixels = win.hOut() * win.wOut();
        clock = Phases.lap(Phases.WINDOW, clock);
      } else if (stage instanceof Segment seg) {
        if (thetaZero) {
          for (int p = 0; p < pixels; p++) {
            Arrays.fill(tr[p], j0, j1, 0.0);
          }
          thetaZero = false;
        }
        Variances[] rv = rowTrace.segments[s];
        Variances[] cv = colTrace.segments[s];
        for (int p = 0; p < pixels; p++) {
          seg.chain().row(rv[p], i, cv[p], kr[p], tr[p], j0, j1 - j0, diagonal, work);
        }
        clock = Phases.lap(Phases.POINTWISE, clock);
      }
    }
    int at = i * n2;
    double[] ks = work.a;
    double[] ts = work.b;
    Arrays.fill(ks, j0, j1, 0.0);
    Arrays.fill(ts, j0, j1, 0.0);
    for (int p = 0; p < pixels; p++) {
      double[] kp = kr[p];
      double[] tp = tr[p];
      for (int j = j0; j < j1; j++) {
        ks[j] += kp[j];
        ts[j] += thetaZero ? 0.0 : tp[j];
      }
    }
    for (int j = j0; j < j1; j++) {
      k[at + j] = ks[j] / pixels;
      theta[at + j] = ts[j] / pixels;
    }
    Phases.lap(Phases.REDUCE, clock);
  }

  /**
   * The conv window average of rows laid out [pixel][column example], on columns {@code [from,
   * to)}: the row offset u first, then the column offset v, then 1/(kh·kw) — per entry the same
   * arithmetic as {@link #windowPair} on the spatial diagonal.
   */
  static void windowRows(
      double[][] src, double[][] dst, double[][] tmp, Window win, int from, int to) {
    int wIn = win.wIn();
    int hOut = win.hOut();
    int wOut = win.wOut();
    for (int a = 0; a < hOut; a++) {
      for (int bb = 0; bb < wIn; bb++) {
        sumRows(tmp[a * wIn + bb], src, win.mapH(), a, wIn, bb, from, to);
      }
    }
    double scale = 1.0 / (win.kh() * win.kw());
    for (int a = 0; a < hOut; a++) {
      for (int bb = 0; bb < wOut; bb++) {
        double[] out = dst[a * wOut + bb];
        sumRows(out, tmp, win.mapW(), bb, 1, a * wIn, from, to);
        for (int j = from; j < to; j++) {
          out[j] *= scale;
        }
      }
    }
  }

  /**
   * {@code out[from, to)} = the sum, over the window offsets u in order, of the rows {@code
   * rows[map[u][o]·stride + offset]} whose position {@code map[u][o]} is not padding.
   */
  private static void sumRows(
      double[] out, double[][] rows, int[][] map, int o, int stride, int offset, int from, int to) {
    Arrays.fill(out, from, to, 0.0);
    for (int[] m : map) {
      if (m[o] < 0) {
        continue;
      }
      double[] in = rows[m[o] * stride + offset];
      for (int j = from; j < to; j++) {
        out[j] += in[j];
      }
    }
  }
}
