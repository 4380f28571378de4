package dev.widescan.workers.linalg;

/**
 * The eigendecomposition A = V diag(λ) Vᵀ of a symmetric matrix; eigenvalues ascending,
 * eigenvectors in the columns of {@code vectors}.
 */
public record SymmetricEigen(double[] values, Matrix vectors) {

  public double minValue() {
    return values.length == 0 ? Double.NaN : values[0];
  }

  public double maxValue() {
    return values.length == 0 ? Double.NaN : values[values.length - 1];
  }
}
