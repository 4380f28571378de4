package dev.widescan.workers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.linalg.SymmetricEigen;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
  @Test
  void parsesCanonicalNamesAndParameters() {
    assertEquals(Preprocessing.DEFAULT, Preprocessing.parse("standardize"));
    assertEquals("zca:eps=0.1", Preprocessing.parse("ZCA").id());
    assertEquals("zca:eps=1.0E-5", Preprocessing.parse("zca:eps=1e-5").id());
    assertEquals("feature-standardize", Preprocessing.parse("feature_standardize").id());
    assertEquals(Preprocessing.of(Preprocessing.Kind.SCALE), Preprocessing.of(Preprocess.SCALE));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Preprocessing.parse("zca:eps=0"));
    assertEquals("zca strength eps must be positive and finite, got 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Preprocessing.parse("scale:eps=1"));
    assertEquals(
        "preprocessing 'scale:eps=1': unexpected parameter 'eps=1', scale takes none",
        e.getMessage());
  }

  @Test
  void featureStandardizationUsesTrainingStatisticsOnly() {
    // column 0 scaled: 0, 1, 0.2 → mean 0.4, population variance 0.56/3; column 1 is constant
    Matrix train = Matrix.of(new double[][] {{0, 255}, {255, 255}, {51, 255}});
    Matrix test = Matrix.of(new double[][] {{102, 0}, {255, 51}});
    UnaryOperator<Matrix> f = Preprocessing.of(Preprocessing.Kind.FEATURE_STANDARDIZE).fit(train);
    double sd = Math.sqrt(0.56 / 3);
    assertArrayEquals(
        new double[] {-0.4 / sd, 0, 0.6 / sd, 0, -0.2 / sd, 0}, f.apply(train).data(), 1e-12);
    assertArrayEquals(new double[] {0, 0, 0.6 / sd, 0}, f.apply(test).data(), 1e-12);
    assertEquals(102.0, test.get(0, 0), "input unchanged");
  }

  /** Correlated Gaussian inputs x = z·A + 3 with a fixed random A: well conditioned, not white. */
  private static Matrix correlated(int n, int d, long seed) {
    Random rng = new Random(seed);
    double[] a = new double[d * d];
    for (int i = 0; i < a.length; i++) {
      a[i] = rng.nextGaussian() + (i % (d + 1) == 0 ? 2 : 0);
    }
    double[] z = new double[n * d];
    for (int i = 0; i < z.length; i++) {
      z[i] = rng.nextGaussian();
    }
    Matrix x = Blas.multiply(new Matrix(n, d, z), new Matrix(d, d, a));
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] += 3;
    }
    return x;
  }

  private static Matrix secondMoment(Matrix z) {
    Matrix c = Blas.multiply(z, true, z, false);
    Blas.scale(c, 1.0 / z.rows());
    return c;
  }

  @Test
  void zcaGivesIdentityCovarianceOnTheTrainingSubset() {
    int n = 4000;
    int d = 12;
    double eps = 1e-6;
    Matrix raw = correlated(n, d, 42);
    Matrix z = Preprocessing.zca(eps).fit(raw).apply(raw);
    // Per-example standardization puts every row in the hyperplane orthogonal to (1, …, 1), so the
    // whitened second moment is at best the projector P = I − 11ᵀ/d onto it. On direction i it is
    // σ_i/(σ_i + λ) instead of 1, off by at most λ/σ_min = ε·mean(σ)/σ_min (σ: eigenvalues of Σ
    // in the hyperplane), which is below 1e-4 for this data and ε = 1e-6.
    SymmetricEigen sigma = Blas.eigh(secondMoment(Preprocess.STANDARDIZE.apply(raw)));
    double mean = java.util.Arrays.stream(sigma.values()).sum() / d;
    double bound = eps * mean / sigma.values()[1];
    assertTrue(bound < 1e-4, "bound " + bound);
    Matrix c = secondMoment(z);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double p = (i == j ? 1.0 : 0.0) - 1.0 / d;
        assertEquals(p, c.get(i, j), 1e-4, "whitened covariance (" + i + ", " + j + ")");
      }
    }
  }

  @Test
  void zcaSecondMomentIsSigmaOverSigmaPlusLambdaOnFashionMnist() {
    Matrix raw =
        new DatasetRegistry(List.of(), true, new Checksums(Optional.empty()))
            .load(
                DatasetRequest.of(FashionMnist.NAME, 1000, 0)
                    .withPreprocessing(Preprocessing.of(Preprocessing.Kind.NONE)))
            .data()
            .xTrain();
    double eps = 0.1;
    Matrix z = Preprocessing.zca(eps).fit(raw).apply(raw);
    Matrix sigma = secondMoment(Preprocess.STANDARDIZE.apply(raw));
    int d = sigma.rows();
    double lambda = eps * sigma.trace() / d;
    SymmetricEigen e = Blas.eigh(sigma);
    // expected V diag(σ/(σ+λ)) Vᵀ, exact up to rounding for any data (n = 1000 > d: no rank
    // control)
    Matrix vs = e.vectors().copy();
    for (int r = 0; r < d; r++) {
      for (int k = 0; k < d; k++) {
        double s = Math.max(e.values()[k], 0);
        vs.data()[r * d + k] *= s / (s + lambda);
      }
    }
    Matrix expected = Blas.multiply(vs, false, e.vectors(), true);
    Matrix c = secondMoment(z);
    double worst = 0;
    for (int i = 0; i < c.data().length; i++) {
      worst = Math.max(worst, Math.abs(c.data()[i] - expected.data()[i]));
    }
    assertTrue(worst < 1e-9, "max deviation " + worst);
  }

  @Test
  void zcaFitsOnTrainingDataOnlyAndLeavesUnspannedDirectionsAlone() {
    Matrix train = correlated(5, 8, 1);
    Matrix w = Preprocessing.zcaTransform(Preprocess.STANDARDIZE.apply(train), 0.1);
    // n = 5 < d = 8: the 3 smallest eigenvalues of Σ + λI get multiplier 1, so W keeps a 3-dim
    // subspace fixed and has eigenvalue 1 exactly three times (the other five are 1/√s_i ≠ 1).
    double[] ev = Blas.eigh(w).values();
    int ones = 0;
    for (double v : ev) {
      ones += Math.abs(v - 1) < 1e-10 ? 1 : 0;
    }
    assertEquals(3, ones);
    Matrix test = correlated(3, 8, 2);
    UnaryOperator<Matrix> f = Preprocessing.zca(0.1).fit(train);
    Matrix before = f.apply(test);
    Matrix after = Preprocessing.zca(0.1).fit(train).apply(test);
    assertArrayEquals(before.data(), after.data(), 0.0, "a refit gives the same bits");
    assertThrows(
        IllegalArgumentException.class,
        () -> Preprocessing.zca(0.1).fit(Matrix.zeros(0, 8)),
        "no training subset to fit on");
  }
}
