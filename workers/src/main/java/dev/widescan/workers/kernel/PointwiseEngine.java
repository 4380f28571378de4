package dev.widescan.workers.kernel;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.linalg.NativeMatrix;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs chains of {@link Pointwise} layers over kernel blocks, fused: every entry goes through all
 * the layers while its row is in cache, and no intermediate state is allocated.
 *
 * <p>The input kernel K₀ = x·x'ᵀ/d is computed by DGEMM in fixed {@value #PANEL} × {@value #PANEL}
 * panels (inputs zero-padded to whole panels, off-heap), whatever the block's shape. OpenBLAS
 * rounds an entry differently depending on the shape of the product it sits in (small products take
 * other kernels, and the threads split a product by its shape), so a product of one fixed shape is
 * what makes every block — a tile, a whole train × train kernel, a test × test diagonal — give each
 * entry the same bits. They are the same for a given OpenBLAS build, CPU and thread count.
 *
 * <p>Symmetric blocks compute their upper triangle (panels on and above the diagonal) and mirror
 * it. On the diagonal of a symmetric block the NNGP is set to the example's variance after every
 * layer, so the diagonal, the variances and the test × test diagonal agree to the bit.
 */
final class PointwiseEngine {
  /** Rows and columns of one input product. */
  static final int PANEL = 512;

  /** Blocks with at least this many entries run their rows on several threads. */
  private static final long PARALLEL_ENTRIES = 1 << 14;

  private PointwiseEngine() {}

  /** The layers of {@code network} as a chain of pointwise layers, or null if one is not. */
  static List<Pointwise> flatten(Layer network) {
    List<Pointwise> out = new ArrayList<>();
    return flattenInto(network, out) ? out : null;
  }

  private static boolean flattenInto(Layer layer, List<Pointwise> out) {
    if (layer instanceof Layers.Serial serial) {
      for (Layer l : serial.layers()) {
        if (!flattenInto(l, out)) {
          return false;
        }
      }
      return true;
    }
    if (layer instanceof ClosedForms.Identity) {
      return true;
    }
    if (layer instanceof Pointwise p) {
      out.add(p);
      return true;
    }
    return false;
  }

  /** A chain bound to an input width, with its per-example variance recursion. */
  static final class Chain {
    private final Pointwise.Op[] ops;
    private final int outputWidth;

    Chain(List<Pointwise> layers, int inputWidth) {
      ops = new Pointwise.Op[layers.size()];
      int width = inputWidth;
      for (int l = 0; l < ops.length; l++) {
        ops[l] = layers.get(l).bind(width);
        width = layers.get(l).outputWidth(width);
      }
      outputWidth = width;
    }

    int outputWidth() {
      return outputWidth;
    }

    /** {@code out[l]} = the variances after l layers ({@code out[0]} = {@code var0}). */
    double[][] variances(double[] var0) {
      double[][] out = new double[ops.length + 1][];
      out[0] = var0;
      for (int l = 0; l < ops.length; l++) {
        double[] in = out[l];
        double[] next = new double[in.length];
        for (int i = 0; i < in.length; i++) {
          next[i] = ops[l].variance(in[i]);
        }
        out[l + 1] = next;
      }
      return out;
    }

    /**
     * All layers on entries {@code [off, off + len)} of row example {@code i}, columns from {@code
     * col0}; {@code diagonal} is the position within the run of the example's own column, or −1.
     */
    void row(
        double[][] rowVars,
        int i,
        double[][] colVars,
        int col0,
        double[] k,
        double[] theta,
        int off,
        int len,
        int diagonal) {
      for (int l = 0; l < ops.length; l++) {
        ops[l].row(rowVars[l][i], colVars[l], col0, k, theta, off, len);
        if (diagonal >= 0) {
          k[off + diagonal] = rowVars[l + 1][i];
        }
      }
    }
  }

  /** The layers applied to an existing state (the layer-by-layer path). */
  static KernelState apply(List<Pointwise> layers, KernelState in) {
    int rows = in.rows();
    int cols = in.cols();
    boolean symmetric = in.symmetric();
    Chain chain = new Chain(layers, in.width());
    double[][] rowVars = chain.variances(in.var1());
    double[][] colVars = symmetric ? rowVars : chain.variances(in.var2());
    double[] k = in.nngp().data().clone();
    double[] theta = in.ntk().data().clone();
    rows(rows, (long) rows * cols)
        .forEach(
            i -> {
              int from = symmetric ? i : 0;
              chain.row(
                  rowVars,
                  i,
                  colVars,
                  from,
                  k,
                  theta,
                  i * cols + from,
                  cols - from,
                  symmetric ? 0 : -1);
            });
    if (symmetric) {
      mirror(k, rows);
      mirror(theta, rows);
    }
    return in.with(
        new Matrix(rows, cols, k),
        new Matrix(rows, cols, theta),
        rowVars[layers.size()],
        colVars[layers.size()],
        chain.outputWidth());
  }

  /**
   * The block {@code xRows × xCols} from the inputs: K₀ = x·x'ᵀ/d, Θ₀ = 0, then the layers. With
   * {@code symmetric}, {@code xCols} must be {@code xRows} (the same examples).
   */
  static KernelState fromInputs(
      List<Pointwise> layers, Matrix xRows, Matrix xCols, boolean symmetric) {
    int d = xRows.cols();
    int rows = xRows.rows();
    int cols = xCols.rows();
    Chain chain = new Chain(layers, d);
    double[] var0Rows = squaredNorms(xRows);
    double[][] rowVars = chain.variances(var0Rows);
    double[][] colVars = symmetric ? rowVars : chain.variances(squaredNorms(xCols));
    double[] k = new double[Math.multiplyExact(rows, cols)];
    double[] theta = new double[k.length];
    if (k.length > 0) {
      try (NativeMatrix a = padded(xRows);
          NativeMatrix b = symmetric ? null : padded(xCols);
          NativeMatrix c = NativeMatrix.zeros(PANEL, PANEL)) {
        NativeMatrix right = symmetric ? a : b;
        DoubleBuffer product = c.buffer();
        for (int r0 = 0; r0 < rows; r0 += PANEL) {
          NativeMatrix left = a.rows(r0, r0 + PANEL);
          for (int c0 = symmetric ? r0 : 0; c0 < cols; c0 += PANEL) {
            Blas.gemm(1.0 / d, left, false, right.rows(c0, c0 + PANEL), true, 0.0, c);
            int rowFrom = r0;
            int colFrom = c0;
            int rowTo = Math.min(r0 + PANEL, rows);
            int colTo = Math.min(c0 + PANEL, cols);
            rows(rowTo - rowFrom, (long) (rowTo - rowFrom) * (colTo - colFrom))
                .forEach(
                    ii -> {
                      int i = rowFrom + ii;
                      int from = symmetric ? Math.max(colFrom, i) : colFrom;
                      int len = colTo - from;
                      if (len <= 0) {
                        return;
                      }
                      int at = i * cols + from;
                      product.get(ii * PANEL + (from - colFrom), k, at, len);
                      int diagonal = symmetric && from == i ? 0 : -1;
                      if (diagonal == 0) {
                        k[at] = var0Rows[i];
                      }
                      chain.row(rowVars, i, colVars, from, k, theta, at, len, diagonal);
                    });
          }
        }
      }
      if (symmetric) {
        mirror(k, rows);
        mirror(theta, rows);
      }
    }
    int last = layers.size();
    return new KernelState(
        new Matrix(rows, cols, k),
        new Matrix(rows, cols, theta),
        rowVars[last],
        colVars[last],
        symmetric,
        chain.outputWidth());
  }

  /** K(x_i, x_i) and Θ(x_i, x_i) of every example, as the diagonal of its symmetric block. */
  static double[][] diagonal(List<Pointwise> layers, Matrix x) {
    Chain chain = new Chain(layers, x.cols());
    double[][] vars = chain.variances(squaredNorms(x));
    int n = x.rows();
    double[] k = vars[0].clone();
    double[] theta = new double[n];
    for (int i = 0; i < n; i++) {
      chain.row(vars, i, vars, i, k, theta, i, 1, 0);
    }
    return new double[][] {k, theta};
  }

  /** ‖x_i‖²/d for every row. */
  static double[] squaredNorms(Matrix x) {
    int d = x.cols();
    double[] xd = x.data();
    double[] out = new double[x.rows()];
    for (int i = 0; i < out.length; i++) {
      double s = 0;
      for (int j = i * d, end = j + d; j < end; j++) {
        s += xd[j] * xd[j];
      }
      out[i] = s / d;
    }
    return out;
  }

  private static NativeMatrix padded(Matrix x) {
    int panels = (x.rows() + PANEL - 1) / PANEL;
    NativeMatrix out = NativeMatrix.zeros(Math.max(1, panels) * PANEL, x.cols());
    out.setRows(0, x, 0, x.rows());
    return out;
  }

  private static IntStream rows(int count, long entries) {
    IntStream range = IntStream.range(0, count);
    return entries >= PARALLEL_ENTRIES ? range.parallel() : range;
  }

  private static void mirror(double[] m, int n) {
    for (int i = 1; i < n; i++) {
      for (int j = 0; j < i; j++) {
        m[i * n + j] = m[j * n + i];
      }
    }
  }
}
