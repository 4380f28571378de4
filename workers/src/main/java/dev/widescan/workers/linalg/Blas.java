package dev.widescan.workers.linalg;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;

import org.bytedeco.openblas.global.openblas;

/**
 * Dense float64 linear algebra on the CPU through OpenBLAS/LAPACK (bytedeco's build, natives in the
 * jar). Shapes are checked here so a mismatch reads as an {@link IllegalArgumentException} naming
 * both operands rather than a crash in native code.
 */
public final class Blas {
  private Blas() {}

  /** C = α·op(A)·op(B) + β·C, in place on {@code c}. */
  public static void gemm(
      double alpha, Matrix a, boolean transA, Matrix b, boolean transB, double beta, Matrix c) {
    int m = transA ? a.cols() : a.rows();
    int k = transA ? a.rows() : a.cols();
    int kb = transB ? b.cols() : b.rows();
    int n = transB ? b.rows() : b.cols();
    if (k != kb || c.rows() != m || c.cols() != n) {
      throw new IllegalArgumentException(
          "can't multiply "
              + describe(a, transA)
              + " by "
              + describe(b, transB)
              + " into "
              + c.shape());
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      scale(c, beta);
      return;
    }
    openblas.cblas_dgemm(
        CblasRowMajor,
        transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans,
        m,
        n,
        k,
        alpha,
        a.data(),
        a.cols(),
        b.data(),
        b.cols(),
        beta,
        c.data(),
        c.cols());
  }

  /** op(A)·op(B) as a new matrix. */
  public static Matrix multiply(Matrix a, boolean transA, Matrix b, boolean transB) {
    Matrix c = Matrix.zeros(transA ? a.cols() : a.rows(), transB ? b.rows() : b.cols());
    gemm(1.0, a, transA, b, transB, 0.0, c);
    return c;
  }

  public static Matrix multiply(Matrix a, Matrix b) {
    return multiply(a, false, b, false);
  }

  /**
   * Eigendecomposition of a symmetric matrix by LAPACK's divide-and-conquer {@code dsyevd}; only
   * the upper triangle is read. The input is not changed.
   *
   * @throws ArithmeticException if LAPACK reports that the iteration failed to converge
   */
  public static SymmetricEigen eigh(Matrix symmetric) {
    int n = symmetric.rows();
    if (symmetric.cols() != n) {
      throw new IllegalArgumentException("eigh needs a square matrix, got " + symmetric.shape());
    }
    double[] vectors = symmetric.data().clone();
    double[] values = new double[n];
    if (n > 0) {
      int info =
          openblas.LAPACKE_dsyevd(LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', n, vectors, n, values);
      if (info != 0) {
        throw new ArithmeticException(
            "LAPACK dsyevd failed on a " + n + "x" + n + " matrix: info=" + info);
      }
    }
    return new SymmetricEigen(values, new Matrix(n, n, vectors));
  }

  /**
   * Sets how many threads OpenBLAS uses for every product in this process. Workers that run several
   * units at once give each a share of the cores; oversubscribing them makes small products many
   * times slower.
   */
  public static void setThreads(int threads) {
    openblas.blas_set_num_threads(Math.max(1, threads));
  }

  public static int threads() {
    return openblas.blas_get_num_threads();
  }

  /** Scales every element of {@code m} by {@code factor}, in place. */
  public static void scale(Matrix m, double factor) {
    double[] d = m.data();
    for (int i = 0; i < d.length; i++) {
      d[i] *= factor;
    }
  }

  private static String describe(Matrix m, boolean transposed) {
    return transposed ? m.shape() + "ᵀ" : m.shape();
  }
}
