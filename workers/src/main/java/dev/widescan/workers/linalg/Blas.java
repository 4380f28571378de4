package dev.widescan.workers.linalg;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasUpper;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;

import java.util.Arrays;
import java.util.Optional;
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

  /**
   * C = α·op(A)·op(B) + β·C on off-heap matrices, in place on {@code c}: no copies cross the JNI
   * boundary.
   */
  public static void gemm(
      double alpha,
      NativeMatrix a,
      boolean transA,
      NativeMatrix b,
      boolean transB,
      double beta,
      NativeMatrix c) {
    int m = transA ? a.cols() : a.rows();
    int k = transA ? a.rows() : a.cols();
    int kb = transB ? b.cols() : b.rows();
    int n = transB ? b.rows() : b.cols();
    if (k != kb || c.rows() != m || c.cols() != n) {
      throw new IllegalArgumentException(
          "can't multiply "
              + (transA ? a.shape() + "ᵀ" : a.shape())
              + " by "
              + (transB ? b.shape() + "ᵀ" : b.shape())
              + " into "
              + c.shape());
    }
    if (m == 0 || n == 0 || k == 0) {
      if (m > 0 && n > 0 && beta != 1.0) {
        throw new IllegalArgumentException("an empty inner dimension with β ≠ 1 is not supported");
      }
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
        a.pointer(),
        a.stride(),
        b.pointer(),
        b.stride(),
        beta,
        c.pointer(),
        c.stride());
  }

  /**
   * The symmetric rank-k update C = α·A·Aᵀ + β·C (or α·Aᵀ·A + β·C when {@code transA}) by BLAS
   * {@code dsyrk}, which does half the work of the general product. BLAS writes only the upper
   * triangle; it is then mirrored, so {@code c} holds the full symmetric result.
   */
  public static void syrk(double alpha, Matrix a, boolean transA, double beta, Matrix c) {
    int n = transA ? a.cols() : a.rows();
    int k = transA ? a.rows() : a.cols();
    if (c.rows() != n || c.cols() != n) {
      throw new IllegalArgumentException(
          "syrk of "
              + describe(a, transA)
              + " needs a "
              + n
              + "x"
              + n
              + " result, got "
              + c.shape());
    }
    if (n == 0) {
      return;
    }
    if (k == 0) {
      scale(c, beta);
    } else {
      openblas.cblas_dsyrk(
          CblasRowMajor,
          CblasUpper,
          transA ? CblasTrans : CblasNoTrans,
          n,
          k,
          alpha,
          a.data(),
          a.cols(),
          beta,
          c.data(),
          n);
    }
    mirrorUpper(c);
  }

  /**
   * The Cholesky factor of a symmetric positive-definite matrix by LAPACK's {@code dpotrf}: the
   * upper-triangular U with A = UᵀU (only the upper triangle of A is read; the strictly lower part
   * of U is zero). Empty when A is not numerically positive definite (a non-positive pivot), which
   * is a property of the input rather than an error. The input is not changed.
   */
  public static Optional<Matrix> cholesky(Matrix symmetric) {
    int n = symmetric.rows();
    if (symmetric.cols() != n) {
      throw new IllegalArgumentException(
          "cholesky needs a square matrix, got " + symmetric.shape());
    }
    double[] u = symmetric.data().clone();
    if (n > 0) {
      // The column-major lower factor L (A = LLᵀ) of the same memory is the row-major U = Lᵀ.
      int info = openblas.LAPACKE_dpotrf(LAPACK_COL_MAJOR, (byte) 'L', n, u, n);
      if (info > 0) {
        return Optional.empty();
      }
      if (info < 0) {
        throw new IllegalStateException("LAPACK dpotrf rejected argument " + (-info));
      }
      for (int i = 1; i < n; i++) {
        Arrays.fill(u, i * n, i * n + i, 0.0);
      }
    }
    return Optional.of(new Matrix(n, n, u));
  }

  /**
   * Solves A·X = B given the Cholesky factor U of A ({@link #cholesky}): Uᵀ·Y = B, then U·X = Y, by
   * LAPACK's {@code dpotrs}.
   *
   * @return X, with B's shape; B is not changed
   */
  public static Matrix choleskySolve(Matrix upper, Matrix b) {
    int n = upper.rows();
    if (upper.cols() != n || b.rows() != n) {
      throw new IllegalArgumentException(
          "can't solve with a " + upper.shape() + " factor for right-hand sides " + b.shape());
    }
    if (n == 0 || b.cols() == 0) {
      return Matrix.zeros(b.rows(), b.cols());
    }
    // U in row-major is the column-major lower factor L of the same memory; the right-hand sides
    // go column-major too (Bᵀ in row-major), so one dpotrs call does both triangular solves.
    Matrix columns = b.transpose();
    int info =
        openblas.LAPACKE_dpotrs(
            LAPACK_COL_MAJOR, (byte) 'L', n, b.cols(), upper.data(), n, columns.data(), n);
    if (info != 0) {
      throw new IllegalStateException("LAPACK dpotrs failed: info=" + info);
    }
    return columns.transpose();
  }

  private static void mirrorUpper(Matrix c) {
    int n = c.rows();
    double[] d = c.data();
    for (int i = 1; i < n; i++) {
      for (int j = 0; j < i; j++) {
        d[i * n + j] = d[j * n + i];
      }
    }
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
   * <p>The row-major upper triangle is handed to LAPACK as the column-major lower triangle of the
   * same memory, which LAPACKE passes through untouched, where a row-major call would transpose the
   * matrix in and the eigenvectors out through two extra n × n buffers; the eigenvectors (LAPACK's
   * columns, here rows) are transposed in place instead.
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
          openblas.LAPACKE_dsyevd(LAPACK_COL_MAJOR, (byte) 'V', (byte) 'L', n, vectors, n, values);
      if (info != 0) {
        throw new ArithmeticException(
            "LAPACK dsyevd failed on a " + n + "x" + n + " matrix: info=" + info);
      }
    }
    transposeInPlace(vectors, n);
    return new SymmetricEigen(values, new Matrix(n, n, vectors));
  }

  /** Transposes a square row-major matrix in place, in cache-sized blocks. */
  static void transposeInPlace(double[] m, int n) {
    int block = 64;
    for (int i0 = 0; i0 < n; i0 += block) {
      int i1 = Math.min(i0 + block, n);
      for (int j0 = i0; j0 < n; j0 += block) {
        int j1 = Math.min(j0 + block, n);
        for (int i = i0; i < i1; i++) {
          for (int j = Math.max(j0, i + 1); j < j1; j++) {
            double t = m[i * n + j];
            m[i * n + j] = m[j * n + i];
            m[j * n + i] = t;
          }
        }
      }
    }
  }

  /**
   * Sets how many threads OpenBLAS uses for every product in this process. Workers that run several
   * units at once give each a share of the cores; oversubscribing them makes small products many
   * times slower.
   */
  public static void setThreads(int threads) {
    openblas.blas_set_num_threads(Math.max(1, threads));
  }

  /**
   * The threads OpenBLAS uses: the count last set, or, before any was set (the binding then reports
   * -1), OpenBLAS's own default of one per core.
   */
  public static int threads() {
    int set = openblas.blas_get_num_threads();
    return set > 0 ? set : Runtime.getRuntime().availableProcessors();
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
