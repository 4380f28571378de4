package dev.widescan.workers.kernel;

import dev.widescan.workers.kernel.ConvNetwork.Pool;
import dev.widescan.workers.kernel.ConvNetwork.Segment;
import dev.widescan.workers.kernel.ConvNetwork.Stage;
import dev.widescan.workers.kernel.ConvNetwork.Window;
import dev.widescan.workers.kernel.PointwiseEngine.Variances;
import dev.widescan.workers.linalg.Matrix;
import java.util.Arrays;
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
 * per-thread buffers (nothing holds examples × examples × pixels²); the variances come from each
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
            ? fullBlock(net, xRows, xCols, symmetric)
            : diagonalBlock(net, xRows, xCols, symmetric);
    return net.headLayers.isEmpty() ? reduced : PointwiseEngine.apply(net.headLayers, reduced);
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
      ConvNetwork net, Matrix xRows, Matrix xCols, boolean symmetric) {
    int n1 = xRows.rows();
    int n2 = xCols.rows();
    int pixels = net.input.pixels();
    ThreadLocal<PairBuffers> buffers = ThreadLocal.withInitial(() -> new PairBuffers(pixels));
    SelfTrace[] rowTraces = selfTraces(net, xRows, buffers);
    SelfTrace[] colTraces = symmetric ? rowTraces : selfTraces(net, xCols, buffers);
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
              PairBuffers b = buffers.get();
              runPair(net, b, xr, i * features, xc, j * features, rowTraces[i], colTraces[j], null);
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
      ConvNetwork net, Matrix x, ThreadLocal<PairBuffers> buffers) {
    int n = x.rows();
    int features = net.input.features();
    double[] xd = x.data();
    SelfTrace[] out = new SelfTrace[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              SelfTrace trace = new SelfTrace(net.stages.size());
              PairBuffers b = buffers.get();
              runPair(net, b, xd, i * features, xd, i * features, null, null, trace);
              trace.k = b.k[0];
              trace.theta = b.theta[0];
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

  private static KernelState diagonalBlock(
      ConvNetwork net, Matrix xRows, Matrix xCols, boolean symmetric) {
    int n1 = xRows.rows();
    int n2 = xCols.rows();
    DiagonalTrace rowTrace = new DiagonalTrace(net, xRows);
    DiagonalTrace colTrace = symmetric ? rowTrace : new DiagonalTrace(net, xCols);
    int h0 = net.input.height();
    int w0 = net.input.width();
    int c = net.input.channels();
    int features = net.input.features();
    double[] xr = xRows.data();
    double[] xc = xCols.data();
    double[] k = new double[Math.multiplyExact(n1, n2)];
    double[] theta = new double[k.length];
    IntStream.range(0, n1)
        .parallel()
        .forEach(
            i -> {
              int c0 = symmetric ? i : 0;
              int pixels = h0 * w0;
              long clock = Phases.start();
              double[][] kr = new double[pixels][n2];
              double[][] tr = new double[pixels][n2];
              for (int p = 0; p < pixels; p++) {
                int xp = i * features + p * c;
                double[] row = kr[p];
                for (int j = c0; j < n2; j++) {
                  int yq = j * features + p * c;
                  double s = 0;
                  for (int ch = 0; ch < c; ch++) {
                    s += xr[xp + ch] * xc[yq + ch];
                  }
                  row[j] = s / c;
                }
              }
              clock = Phases.lap(Phases.INPUT, clock);
              boolean thetaZero = true;
              Pointwise.Work work = new Pointwise.Work(n2);
              for (int s = 0; s < net.stages.size(); s++) {
                Stage stage = net.stages.get(s);
                if (stage instanceof Window win) {
                  double[][] tmp = new double[win.hOut() * win.wIn()][n2];
                  double[][] next = new double[win.hOut() * win.wOut()][n2];
                  windowRows(kr, next, tmp, win, c0, n2);
                  kr = next;
                  if (!thetaZero) {
                    next = new double[win.hOut() * win.wOut()][n2];
                    windowRows(tr, next, tmp, win, c0, n2);
                    tr = next;
                  } else {
                    tr = new double[next.length][n2];
                  }
                  clock = Phases.lap(Phases.WINDOW, clock);
                } else if (stage instanceof Segment seg) {
                  thetaZero = false;
                  Variances[] rv = rowTrace.segments[s];
                  Variances[] cv = colTrace.segments[s];
                  for (int p = 0; p < kr.length; p++) {
                    seg.chain().row(rv[p], i, cv[p], kr[p], tr[p], c0, n2 - c0, symmetric, work);
                  }
                  clock = Phases.lap(Phases.POINTWISE, clock);
                }
              }
              int at = i * n2;
              for (int j = c0; j < n2; j++) {
                double ks = 0;
                double ts = 0;
                for (int p = 0; p < kr.length; p++) {
                  ks += kr[p][j];
                  ts += tr[p][j];
                }
                k[at + j] = ks / kr.length;
                theta[at + j] = ts / kr.length;
              }
              Phases.lap(Phases.REDUCE, clock);
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
        double[] out = tmp[a * wIn + bb];
        Arrays.fill(out, from, to, 0.0);
        for (int u = 0; u < win.kh(); u++) {
          int ia = win.mapH()[u][a];
          if (ia < 0) {
            continue;
          }
          double[] in = src[ia * wIn + bb];
          for (int j = from; j < to; j++) {
            out[j] += in[j];
          }
        }
      }
    }
    double scale = 1.0 / (win.kh() * win.kw());
    for (int a = 0; a < hOut; a++) {
      for (int bb = 0; bb < wOut; bb++) {
        double[] out = dst[a * wOut + bb];
        Arrays.fill(out, from, to, 0.0);
        for (int v = 0; v < win.kw(); v++) {
          int jb = win.mapW()[v][bb];
          if (jb < 0) {
            continue;
          }
          double[] in = tmp[a * wIn + jb];
          for (int j = from; j < to; j++) {
            out[j] += in[j];
          }
        }
        for (int j = from; j < to; j++) {
          out[j] *= scale;
        }
      }
    }
  }
}
