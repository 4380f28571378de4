package dev.widescan.workers.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.widescan.workers.linalg.Matrix;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreprocessTest {
  @Test
  void standardizeGivesEveryImageMeanZeroAndUnitPopulationVariance() {
    DatasetRegistry bundled = new DatasetRegistry(List.of(), true, new Checksums(Optional.empty()));
    DatasetRequest request = DatasetRequest.of(FashionMnist.NAME, 50, 0);
    Matrix x =
        bundled.load(request.withPreprocessing(Preprocessing.parse("standardize"))).data().xTrain();
    Matrix raw =
        bundled.load(request.withPreprocessing(Preprocessing.of(Preprocess.NONE))).data().xTrain();
    // the registry's "standardize" is this enum's STANDARDIZE, bit for bit
    assertArrayEquals(Preprocess.STANDARDIZE.apply(raw).data(), x.data(), 0.0);
    int d = x.cols();
    for (int r = 0; r < x.rows(); r++) {
      double mean = 0;
      for (int j = 0; j < d; j++) {
        mean += x.get(r, j);
      }
      mean /= d;
      double var = 0;
      for (int j = 0; j < d; j++) {
        var += (x.get(r, j) - mean) * (x.get(r, j) - mean);
      }
      var /= d;
      assertEquals(0.0, mean, 1e-14, "mean of image " + r);
      assertEquals(1.0, var, 1e-12, "variance of image " + r);
    }
  }

  @Test
  void standardizeMatchesHandComputedValues() {
    // pixels 0, 255, 0, 255 → 0, 1, 0, 1: mean 0.5, population variance 0.25, σ = 0.5
    Matrix raw = Matrix.of(new double[][] {{0, 255, 0, 255}, {51, 51, 51, 51}});
    Matrix s = Preprocess.STANDARDIZE.apply(raw);
    assertArrayEquals(new double[] {-1, 1, -1, 1, 0, 0, 0, 0}, s.data(), 1e-15);
    assertArrayEquals(
        new double[] {0, 1, 0, 1, 0.2, 0.2, 0.2, 0.2}, Preprocess.SCALE.apply(raw).data(), 1e-15);
    assertArrayEquals(raw.data(), Preprocess.NONE.apply(raw).data());
    assertEquals(255.0, raw.get(0, 1), "input unchanged");
  }

  @Test
  void parsesNamesAndListsOptionsOnError() {
    assertEquals(Preprocess.STANDARDIZE, Preprocess.parse("standardize"));
    assertEquals(Preprocess.SCALE, Preprocess.parse("SCALE"));
    assertEquals(Preprocess.NONE, Preprocess.parse("none"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Preprocess.parse("zca"));
    assertEquals(
        "unknown preprocessing 'zca', expected one of none, scale, standardize", e.getMessage());
  }
}
