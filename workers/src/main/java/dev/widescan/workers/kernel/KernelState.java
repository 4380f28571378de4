package dev.widescan.workers.kernel;

import dev.widescan.workers.linalg.Matrix;
import java.util.List;

/**
 * The infinite-width kernels of one block of inputs at some point in a network — neural-tangents'
 * {@code Kernel}: the NNGP covariance K(x, x') = E[h(x)·h(x')] of the pre-activations, the neural
 * tangent kernel Θ(x, x'), and the per-example variances K(x, x) of both input sets, which the
 * activations' closed forms need when the block is not square (test × train).
 *
 * <p>A state is a value: layers never change it, they return a new one. The matrices and arrays it
 * hands out are its own storage, shared for speed; do not write to them.
 *
 * <p>In a {@linkplain #symmetric() symmetric} state (the x·x block) the rows and columns are the
 * same examples, {@code var1 == var2} and the diagonal of {@code nngp} is {@code var1}, bit for
 * bit; layers then compute only the upper triangle and mirror it.
 */
public final class KernelState {
  private final Matrix nngp;
  private final Matrix ntk;
  private final double[] var1;
  private final double[] var2;
  private final boolean symmetric;
  private final int width;

  /**
   * @param nngp K, rows × cols
   * @param ntk Θ, same shape
   * @param var1 K(x_i, x_i) for the row examples (length rows)
   * @param var2 K(x'_j, x'_j) for the column examples (length cols); for a symmetric state the same
   *     values as {@code var1}
   * @param symmetric whether rows and columns are the same examples
   * @param width the channel count of the features these kernels describe (the input dimension d at
   *     the input), or 0 where it is not known; only the standard parameterization reads it
   */
  public KernelState(
      Matrix nngp, Matrix ntk, double[] var1, double[] var2, boolean symmetric, int width) {
    if (ntk.rows() != nngp.rows() || ntk.cols() != nngp.cols()) {
      throw new IllegalArgumentException(
          "nngp is " + nngp.shape() + " but ntk is " + ntk.shape() + "; they must match");
    }
    if (var1.length != nngp.rows() || var2.length != nngp.cols()) {
      throw new IllegalArgumentException(
          "a "
              + nngp.shape()
              + " block needs "
              + nngp.rows()
              + " row and "
              + nngp.cols()
              + " column variances, got "
              + var1.length
              + " and "
              + var2.length);
    }
    if (symmetric && nngp.rows() != nngp.cols()) {
      throw new IllegalArgumentException("a symmetric block must be square, got " + nngp.shape());
    }
    if (width < 0) {
      throw new IllegalArgumentException("width must be non-negative (0 = unknown), got " + width);
    }
    this.nngp = nngp;
    this.ntk = ntk;
    this.var1 = var1;
    this.var2 = var2;
    this.symmetric = symmetric;
    this.width = width;
  }

  /**
   * The input layer for the symmetric block of {@code x} (n × d): K₀ = x·xᵀ/d, Θ₀ = 0 (the inputs
   * have no parameters), as in neural-tangents.
   */
  public static KernelState ofInputs(Matrix x) {
    requireFeatures(x, "x");
    return PointwiseEngine.fromInputs(List.of(), x, x, true);
  }

  /**
   * The input layer for the block x₁ × x₂ (n₁ × d and n₂ × d): K₀ = x₁·x₂ᵀ/d, Θ₀ = 0. The variances
   * are computed exactly as {@link #ofInputs(Matrix)} computes the diagonal, so this block and the
   * two symmetric blocks stay consistent through every layer.
   */
  public static KernelState ofInputs(Matrix x1, Matrix x2) {
    int d = requireFeatures(x1, "x1");
    if (x2.cols() != d) {
      throw new IllegalArgumentException(
          "x1 is "
              + x1.shape()
              + " but x2 is "
              + x2.shape()
              + "; they need the same feature count");
    }
    return PointwiseEngine.fromInputs(List.of(), x1, x2, false);
  }

  /** The NNGP covariance K. */
  public Matrix nngp() {
    return nngp;
  }

  /** The neural tangent kernel Θ. */
  public Matrix ntk() {
    return ntk;
  }

  /** K(x_i, x_i) for the row examples. */
  public double[] var1() {
    return var1;
  }

  /** K(x'_j, x'_j) for the column examples. */
  public double[] var2() {
    return var2;
  }

  /** Whether rows and columns are the same examples (the x·x block). */
  public boolean symmetric() {
    return symmetric;
  }

  /** The channel count of the features described (d at the input), or 0 if not known. */
  public int width() {
    return width;
  }

  public int rows() {
    return nngp.rows();
  }

  public int cols() {
    return nngp.cols();
  }

  /** A copy of this state with new kernels and variances, same symmetry. */
  public KernelState with(Matrix nngp, Matrix ntk, double[] var1, double[] var2, int width) {
    return new KernelState(nngp, ntk, var1, symmetric ? var1 : var2, symmetric, width);
  }

  @Override
  public String toString() {
    return "KernelState["
        + nngp.shape()
        + (symmetric ? ", symmetric" : "")
        + ", width="
        + width
        + "]";
  }

  private static int requireFeatures(Matrix x, String name) {
    if (x.cols() == 0) {
      throw new IllegalArgumentException(name + " has no features (" + x.shape() + ")");
    }
    return x.cols();
  }
}
