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
     * example with variance {@code v1} against the column examples whose variances are {@code
     * v2[col0..col0+len)}.
     */
    void row(double v1, double[] v2, int col0, double[] k, double[] theta, int off, int len);
  }
}
