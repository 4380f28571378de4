package dev.widescan.workers.kernel;

/**
 * A layer whose output at (i, j) depends only on K(i, j), Θ(i, j) and the variances K(x_i, x_i),
 * K(x'_j, x'_j): Dense and every activation. Such layers can be fused: a chain of them runs in one
 * pass over a block, entry by entry, while the block is in cache (see {@link PointwiseEngine}).
 */
interface Pointwise extends Layer {

  /** The layer with its input width N_in resolved (0 if unknown). */
  Op bind(int inputWidth);

  /** The width of the features after this layer (0 if unknown). */
  int outputWidth(int inputWidth);

  @Override
  default KernelState apply(KernelState in) {
    return PointwiseEngine.apply(java.util.List.of(this), in);
  }

  /** The arithmetic of one layer. */
  interface Op {
    /** The variance after the layer of an example whose variance before it is {@code v}. */
    double variance(double v);

    /**
     * Maps {@code k[off..off+len)} and {@code theta[off..off+len)}, in place: the entries of row
     * example with variance {@code v1} (and {@code r1} = √v1) against the column examples whose
     * variances and their square roots are {@code v2[off..off+len)} and {@code r2[off..off+len)}.
     *
     * <p>Every array is indexed alike on purpose: Java 17's C2 vectorizes a loop only when its
     * arrays share one index expression (an array read at {@code col0 + j} next to one at {@code
     * off + j} keeps the whole loop scalar). {@code work} holds scratch rows, indexed alike too.
     */
    void row(
        double v1,
        double r1,
        double[] v2,
        double[] r2,
        double[] k,
        double[] theta,
        int off,
        int len,
        Work work);
  }

  /** Scratch rows for an op's multi-pass loops, one per thread, at least {@code off + len} long. */
  final class Work {
    final double[] a;
    final double[] b;

    Work(int capacity) {
      a = new double[capacity];
      b = new double[capacity];
    }
  }
}
