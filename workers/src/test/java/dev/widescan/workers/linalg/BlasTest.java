package dev.widescan.workers.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The added BLAS/LAPACK entry points against the general product and plain identities. */
class BlasTest {
  private static Matrix gaussian(long seed, int rows, int cols) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] d = new double[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextGaussian();
    }
    return new Matrix(rows, cols, d);
  }

  @Test
  void syrkIsTheSymmetricProduct() {
    Matrix a = gaussian(1, 37, 11);
    Matrix c = Matrix.zeros(37, 37);
    Blas.syrk(0.5, a, false, 0.0, c);
    Matrix expected = Blas.multiply(a, false, a, true);
    Blas.scale(expected, 0.5);
    assertArrayEquals(expected.data(), c.data(), 1e-12);
    Matrix ct = Matrix.zeros(11, 11);
    Blas.syrk(1.0, a, true, 0.0, ct);
    assertArrayEquals(Blas.multiply(a, true, a, false).data(), ct.data(), 1e-12);
  }

  @Test
  void nativeGemmMatchesTheHeapProduct() {
    Matrix a = gaussian(2, 20, 7);
    Matrix b = gaussian(3, 9, 7);
    try (NativeMatrix na = NativeMatrix.of(a);
        NativeMatrix nb = NativeMatrix.of(b);
        NativeMatrix nc = NativeMatrix.zeros(5, 9)) {
      Blas.gemm(2.0, na.rows(10, 15), false, nb, true, 0.0, nc);
      Matrix expected = Blas.multiply(a.rowRange(10, 15), false, b, true);
      Blas.scale(expected, 2.0);
      assertArrayEquals(expected.data(), nc.toMatrix().data(), 1e-13);
      assertThrows(
          IllegalArgumentException.class, () -> Blas.gemm(1.0, na, false, nb, false, 0.0, nc));
    }
  }

  @Test
  void nativeGemmWritesIntoABlockOfALargerMatrixAndNothingElse() {
    Matrix a = gaussian(6, 4, 5);
    Matrix b = gaussian(7, 3, 5);
    try (NativeMatrix na = NativeMatrix.of(a);
        NativeMatrix nb = NativeMatrix.of(b);
        NativeMatrix big = NativeMatrix.zeros(8, 10)) {
      NativeMatrix block = big.block(2, 6, 4, 7);
      assertEquals(10, block.stride());
      Blas.gemm(1.0, na, false, nb, true, 0.0, block);
      Matrix expected = Blas.multiply(a, false, b, true);
      assertArrayEquals(expected.data(), block.toMatrix().data(), 1e-13);
      Matrix all = big.toMatrix();
      double outside = 0;
      for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 10; j++) {
          boolean inside = i >= 2 && i < 6 && j >= 4 && j < 7;
          outside += inside ? 0 : Math.abs(all.get(i, j));
        }
      }
      assertEquals(0.0, outside);
      assertEquals(expected.get(3, 2), all.get(5, 6));
    }
  }

  @Test
  void scratchHandsBackTheSmallestIdleMatrixThatFitsAndFreesBeyondItsLimit() {
    NativeScratch scratch = new NativeScratch(100 * Double.BYTES);
    NativeMatrix small = scratch.take(4, 5);
    NativeMatrix large = scratch.take(8, 10);
    scratch.give(small);
    scratch.give(large);
    assertEquals(small, scratch.take(2, 10), "the 20-element matrix fits 2x10 and is the smaller");
    assertEquals(large, scratch.take(3, 7));
    NativeMatrix tooLarge = scratch.take(11, 10);
    scratch.give(tooLarge);
    assertTrue(scratch.take(11, 10) != tooLarge, "a 110-element matrix exceeds the idle limit");
    try (NativeScratch.Lease lease = scratch.lease(3, 4)) {
      assertEquals("3x4", lease.matrix().shape());
      lease.matrix().zeroRows(1, 3);
      assertArrayEquals(new double[8], lease.matrix().rows(1, 3).toMatrix().data());
    }
  }

  @Test
  void threadCountReadsBackWhatWasSet() {
    int before = Blas.threads();
    assertTrue(before >= 1, "OpenBLAS reports " + before + " threads");
    try {
      Blas.setThreads(1);
      assertEquals(1, Blas.threads());
    } finally {
      Blas.setThreads(before);
    }
    assertEquals(before, Blas.threads());
  }

  @Test
  void choleskySolvesPositiveDefiniteSystems() {
    Matrix a = gaussian(4, 30, 40);
    Matrix spd = Blas.multiply(a, false, a, true);
    Matrix u = Blas.cholesky(spd).orElseThrow();
    Matrix utu = Blas.multiply(u, true, u, false);
    assertArrayEquals(spd.data(), utu.data(), 1e-10);
    assertEquals(0.0, u.get(5, 2));
    Matrix b = gaussian(5, 30, 3);
    Matrix x = Blas.cholesky(spd).map(f -> Blas.choleskySolve(f, b)).orElseThrow();
    assertArrayEquals(b.data(), Blas.multiply(spd, x).data(), 1e-9);
  }

  @Test
  void choleskyOfAnIndefiniteMatrixIsEmpty() {
    Matrix m = Matrix.of(new double[][] {{1, 2}, {2, 1}});
    assertTrue(Blas.cholesky(m).isEmpty());
  }
}
