package dev.widescan.workers.kernel;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.linalg.NativeMatrix;
import dev.widescan.workers.linalg.NativeScratch;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs chains of {@link Pointwise} layers over kernel blocks, fused: every entry goes through all
 * the layers while its row is in cache, and no intermediate state is allocated.
 *
 * <p>The input kernel K₀ = x·x'ᵀ/d is computed by DGEMM in panels of {@value #PANEL} rows × a
 * multiple of {@value #PANEL} columns (up to {@value #MAX_PANEL_COLS}; inputs zero-padded to whole
 * multiples of {@value #PANEL}, off-heap), whatever the block's shape. OpenBLAS rounds an entry
 * differently depending on the shape of the product it sits in (small products take other kernels
 * and the single-threaded driver, and columns that are not a multiple of the kernel's unroll take
 * edge kernels), so products whose sides are all multiples of {@value #PANEL} are what makes every
 * block — a tile, a whole train × train kernel, a test × test diagonal — give each entry the same
 * bits: measured for widths 512 to 4096 and 512 to 2048 rows, d = 1, 40 and 784, one and two
 * threads. They are the same for a given OpenBLAS build, CPU and thread count.
 *
 * <p>Symmetric blocks compute their upper triangle (panels on and above the diagonal) and mirror
 * it. On the diagonal of a symmetric block the NNGP is set to the example's variance after every
 * layer, so the diagonal, the variances and the test × test diagonal agree to the bit.
 *
 * <p>The products are written in place into one off-heap block the size of the result (padded),
 * which lives until the layers have read it: a block needs about 3 × rows × cols × 8 bytes at its
 * peak (K₀, then K and Θ on the heap).
 *
 * <p>The layers run after all the products, row by row on both cores: each row is copied into
 * per-thread scratch rows indexed by column, like the column variances (and their square roots), so
 * every array in an op's loop shares one index and C2 vectorizes it (see {@link Pointwise.Op}).
 */
final class PointwiseEngine {
  /** Rows of one input product, and the unit of its columns. */
  static final int PANEL = 512;

  /** The most columns of one input product. */
  static final int MAX_PANEL_COLS = 8 * PANEL;

  /** Blocks with at least this many entries run their rows on several threads. */
  private static final long PARALLEL_ENTRIES = 1 << 14;

  /**
   * Off-heap blocks for the input products, kept between blocks (up to 1 GiB idle) so that a
   * worker's next kernel does not pay the first touch of fresh pages again.
   */
  private static final NativeScratch PRODUCT_BLOCKS = new NativeScratch(1L << 30);

  /** The inputs of the products, padded, kept likewise (up to 256 MiB idle). */
  private static final NativeScratch INPUT_PANELS = new NativeScratch(1L << 28);

  /** Rows per parallel task. */
  private static final int CHUNK_ROWS = 8;

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
     * All layers on entries {@code [off, off + len)} of row example {@code i}; {@code colVars} and
     * {@code colRoots} are indexed like {@code k}. With {@code diagonal}, entry {@code off} is the
     * example's own column.
     */
    void row(
        Variances rowVars,
        int i,
        Variances colVars,
        double[] k,
        double[] theta,
        int off,
        int len,
        boolean diagonal,
        Pointwise.Work work) {
      for (int l = 0; l < ops.length; l++) {
        ops[l].row(
            rowVars.vars[l][i],
            rowVars.roots[l][i],
            colVars.vars[l],
            colVars.roots[l],
            k,
            theta,
            off,
            len,
            work);
        if (diagonal) {
          k[off] = rowVars.vars[l + 1][i];
        }
      }
    }
  }

  /** The variances of a set of examples after every layer, and their square roots. */
  static final class Variances {
    final double[][] vars;
    final double[][] roots;

    Variances(double[][] vars) {
      this.vars = vars;
      this.roots = new double[vars.length][];
      for (int l = 0; l < vars.length; l++) {
        double[] r = new double[vars[l].length];
        for (int i = 0; i < r.length; i++) {
          r[i] = Math.sqrt(vars[l][i]);
        }
        roots[l] = r;
      }
    }

    double[] last() {
      return vars[vars.length - 1];
    }
  }

  /** The layers applied to an existing state (the layer-by-layer path). */
  static KernelState apply(List<Pointwise> layers, KernelState in) {
    int rows = in.rows();
    int cols = in.cols();
    boolean symmetric = in.symmetric();
    Chain chain = new Chain(layers, in.width());
    Variances rowVars = new Variances(chain.variances(in.var1()));
    Variances colVars = symmetric ? rowVars : new Variances(chain.variances(in.var2()));
    double[] kIn = in.nngp().data();
    double[] thetaIn = in.ntk().data();
    double[] k = new double[kIn.length];
    double[] theta = new double[k.length];
    layers(
        chain,
        rowVars,
        colVars,
        (i, c0, kRow, thetaRow) -> {
          System.arraycopy(kIn, i * cols + c0, kRow, c0, cols - c0);
          System.arraycopy(thetaIn, i * cols + c0, thetaRow, c0, cols - c0);
        },
        k,
        theta,
        rows,
        cols,
        symmetric);
    return in.with(
        new Matrix(rows, cols, k),
        new Matrix(rows, cols, theta),
        rowVars.last(),
        colVars.last(),
        chain.outputWidth());
  }

  /**
   * The block {@code xRows × xCols} from the inputs: K₀ = x·x'ᵀ/d, Θ₀ = 0, then the layers. With
   * {@code symmetric}, {@code xCols} must be {@code xRows} (the same examples).
   *
   * <p>All the products come first, written by DGEMM straight into one off-heap block, then all the
   * layers, which read each row of it once: OpenBLAS's idle threads spin for ~0.1 s after each
   * product, so layers run right after each panel's product had about one of the two cores
   * (measured: a parallel Java loop right after a DGEMM ran 1.7× slower than after a pause).
   */
  static KernelState fromInputs(
      List<Pointwise> layers, Matrix xRows, Matrix xCols, boolean symmetric) {
    int d = xRows.cols();
    int rows = xRows.rows();
    int cols = xCols.rows();
    Chain chain = new Chain(layers, d);
    double[] var0Rows = squaredNorms(xRows);
    Variances rowVars = new Variances(chain.variances(var0Rows));
    Variances colVars = symmetric ? rowVars : new Variances(chain.variances(squaredNorms(xCols)));
    double[] k = new double[Math.multiplyExact(rows, cols)];
    double[] theta = new double[k.length];
    if (k.length > 0) {
      try (NativeScratch.Lease block = PRODUCT_BLOCKS.lease(paddedRows(rows), paddedRows(cols))) {
        NativeMatrix products = block.matrix();
        inputProducts(xRows, xCols, symmetric, products);
        DoubleBuffer k0 = products.buffer();
        int stride = products.stride();
        layers(
            chain,
            rowVars,
            colVars,
            (i, c0, kRow, thetaRow) -> {
              k0.get(i * stride + c0, kRow, c0, cols - c0);
              if (symmetric) {
                kRow[i] = var0Rows[i];
              }
              Arrays.fill(thetaRow, c0, cols, 0.0);
            },
            k,
            theta,
            rows,
            cols,
            symmetric);
      }
    }
    return new KernelState(
        new Matrix(rows, cols, k),
        new Matrix(rows, cols, theta),
        rowVars.last(),
        colVars.last(),
        symmetric,
        chain.outputWidth());
  }

  /**
   * K₀ = x·x'ᵀ/d of the block {@code xRows × xCols} into {@code out} (rows and columns padded to
   * whole panels), by DGEMM panels of {@value #PANEL} rows × up to {@value #MAX_PANEL_COLS} columns
   * written in place; of a symmetric block only the panels on and above the diagonal are computed,
   * and entries below them are left as they were.
   */
  static void inputProducts(Matrix xRows, Matrix xCols, boolean symmetric, NativeMatrix out) {
    int d = xRows.cols();
    int rows = xRows.rows();
    int cols = xCols.rows();
    if (out.rows() != paddedRows(rows) || out.cols() != paddedRows(cols)) {
      throw new IllegalArgumentException(
          "a "
              + rows
              + "x"
              + cols
              + " block's products need a padded "
              + paddedRows(rows)
              + "x"
              + paddedRows(cols)
              + " matrix, got "
              + out.shape());
    }
    try (NativeScratch.Lease rowInputs = padded(xRows);
        NativeScratch.Lease colInputs = symmetric ? null : padded(xCols)) {
      NativeMatrix a = rowInputs.matrix();
      NativeMatrix right = symmetric ? a : colInputs.matrix();
      int paddedCols = right.rows();
      for (int r0 = 0; r0 < rows; r0 += PANEL) {
        NativeMatrix left = a.rows(r0, r0 + PANEL);
        for (int c0 = symmetric ? r0 : 0; c0 < cols; c0 += MAX_PANEL_COLS) {
          int c1 = Math.min(c0 + MAX_PANEL_COLS, paddedCols);
          Blas.gemm(
              1.0 / d,
              left,
              false,
              right.rows(c0, c1),
              true,
              0.0,
              out.block(r0, r0 + PANEL, c0, c1));
        }
      }
    }
  }

  /**
   * The floating-point operations {@link #inputProducts} performs on a rows × cols block of
   * d-dimensional inputs: 2·d per entry of every panel it computes, padding and the lower halves of
   * diagonal panels included.
   */
  static double inputProductFlops(int rows, int cols, int d, boolean symmetric) {
    double paddedCols = paddedRows(cols);
    if (!symmetric) {
      return 2.0 * d * paddedRows(rows) * paddedCols;
    }
    double flops = 0;
    for (int r0 = 0; r0 < rows; r0 += PANEL) {
      flops += 2.0 * d * PANEL * (paddedCols - r0);
    }
    return flops;
  }

  /**
   * The products of a block into the engine's reused off-heap memory, discarded: the first phase of
   * {@link #fromInputs} on its own, for benchmarks.
   */
  static void inputProductsOnly(Matrix xRows, Matrix xCols, boolean symmetric) {
    try (NativeScratch.Lease block =
        PRODUCT_BLOCKS.lease(paddedRows(xRows.rows()), paddedRows(xCols.rows()))) {
      inputProducts(xRows, xCols, symmetric, block.matrix());
    }
  }

  /** Loads entries {@code [c0, cols)} of row {@code i} of a block's input K and Θ. */
  @FunctionalInterface
  private interface RowLoader {
    void load(int i, int c0, double[] kRow, double[] thetaRow);
  }

  /**
   * All layers on every entry of a rows × cols block into {@code k} and {@code theta} (of a
   * symmetric block the upper triangle, then mirrored). Each input row is loaded into scratch rows
   * indexed by column, next to the column variances, so every array in an op's loop shares one
   * index (see {@link Pointwise.Op}).
   */
  private static void layers(
      Chain chain,
      Variances rowVars,
      Variances colVars,
      RowLoader input,
      double[] k,
      double[] theta,
      int rows,
      int cols,
      boolean symmetric) {
    forEachChunk(
        0,
        rows,
        symmetric ? (long) rows * (rows + 1) / 2 : (long) rows * cols,
        (from, to) -> {
          double[] kRow = new double[cols];
          double[] thetaRow = new double[cols];
          Pointwise.Work work = new Pointwise.Work(cols);
          for (int i = from; i < to; i++) {
            int c0 = symmetric ? i : 0;
            int len = cols - c0;
            int at = i * cols + c0;
            input.load(i, c0, kRow, thetaRow);
            chain.row(rowVars, i, colVars, kRow, thetaRow, c0, len, symmetric, work);
            System.arraycopy(kRow, c0, k, at, len);
            System.arraycopy(thetaRow, c0, theta, at, len);
          }
        });
    if (symmetric) {
      mirror(k, rows);
      mirror(theta, rows);
    }
  }

  /** K(x_i, x_i) and Θ(x_i, x_i) of every example, as the diagonal of its symmetric block. */
  static double[][] diagonal(List<Pointwise> layers, Matrix x) {
    Chain chain = new Chain(layers, x.cols());
    Variances vars = new Variances(chain.variances(squaredNorms(x)));
    int n = x.rows();
    double[] k = vars.vars[0].clone();
    double[] theta = new double[n];
    Pointwise.Work work = new Pointwise.Work(n);
    for (int i = 0; i < n; i++) {
      chain.row(vars, i, vars, k, theta, i, 1, true, work);
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

  private static int paddedRows(int rows) {
    return Math.max(1, (rows + PANEL - 1) / PANEL) * PANEL;
  }

  /** {@code x} off-heap, with zero rows up to a whole number of panels. */
  private static NativeScratch.Lease padded(Matrix x) {
    NativeScratch.Lease out = INPUT_PANELS.lease(paddedRows(x.rows()), x.cols());
    out.matrix().setRows(0, x, 0, x.rows());
    out.matrix().zeroRows(x.rows(), out.matrix().rows());
    return out;
  }

  /** Rows [from, to) in tasks of {@value #CHUNK_ROWS}, in parallel when the block is large. */
  private static void forEachChunk(int from, int to, long entries, RowRange task) {
    int chunks = (to - from + CHUNK_ROWS - 1) / CHUNK_ROWS;
    if (entries < PARALLEL_ENTRIES || chunks < 2) {
      task.run(from, to);
      return;
    }
    IntStream.range(0, chunks)
        .parallel()
        .forEach(
            c -> {
              int lo = from + c * CHUNK_ROWS;
              task.run(lo, Math.min(lo + CHUNK_ROWS, to));
            });
  }

  @FunctionalInterface
  private interface RowRange {
    void run(int from, int to);
  }

  /** Copies the upper triangle onto the lower, in cache-sized blocks. */
  private static void mirror(double[] m, int n) {
    int block = 64;
    int blocks = (n + block - 1) / block;
    forEachChunk(
        0,
        blocks,
        (long) n * n,
        (bFrom, bTo) -> {
          for (int bi = bFrom; bi < bTo; bi++) {
            int i0 = bi * block;
            int i1 = Math.min(i0 + block, n);
            for (int j0 = 0; j0 < i1; j0 += block) {
              int j1 = Math.min(j0 + block, n);
              for (int i = i0; i < i1; i++) {
                int jEnd = Math.min(j1, i);
                for (int j = j0; j < jEnd; j++) {
                  m[i * n + j] = m[j * n + i];
                }
              }
            }
          }
        });
  }
}
