package dev.widescan.workers.infer;

/**
 * A train × train kernel that cannot be inverted at the requested regularization: it holds a NaN or
 * an infinity, or its smallest eigenvalue plus the ridge ε is not safely above zero. The message
 * gives the eigenvalue range and ε so the caller can raise {@code diag_reg} or inspect the kernel.
 */
public final class NotPositiveDefiniteException extends ArithmeticException {
  private static final long serialVersionUID = 1L;

  private final double minEigenvalue;
  private final double maxEigenvalue;
  private final double epsilon;

  public NotPositiveDefiniteException(
      String message, double minEigenvalue, double maxEigenvalue, double epsilon) {
    super(message);
    this.minEigenvalue = minEigenvalue;
    this.maxEigenvalue = maxEigenvalue;
    this.epsilon = epsilon;
  }

  /** The smallest eigenvalue of the unregularized kernel (NaN if it has non-finite entries). */
  public double minEigenvalue() {
    return minEigenvalue;
  }

  /** The largest eigenvalue of the unregularized kernel (NaN if it has non-finite entries). */
  public double maxEigenvalue() {
    return maxEigenvalue;
  }

  /** The absolute ridge ε = diag_reg·trace(K)/n that was added. */
  public double epsilon() {
    return epsilon;
  }
}
