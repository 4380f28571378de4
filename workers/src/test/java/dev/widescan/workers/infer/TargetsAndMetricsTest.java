package dev.widescan.workers.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.widescan.workers.linalg.Matrix;
import org.junit.jupiter.api.Test;

class TargetsAndMetricsTest {

  @Test
  void oneHotTargetsAreShifted() {
    Matrix y = Targets.oneHot(new int[] {2, 0}, 3, 0.1);
    assertArrayEquals(new double[] {-0.1, -0.1, 0.9, 0.9, -0.1, -0.1}, y.data(), 1e-15);
    assertArrayEquals(new double[] {0, 1, 1, 0}, Targets.oneHot(new int[] {1, 0}, 2, 0).data(), 0);
  }

  @Test
  void oneHotRejectsLabelsOutsideTheClasses() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Targets.oneHot(new int[] {0, 3}, 3, 0));
    assertEquals("label 3 of example 1 is outside 0..2", e.getMessage());
  }

  @Test
  void accuracyTakesTheArgmaxFirstOnTies() {
    Matrix p = Matrix.of(new double[][] {{0.1, 0.7, 0.2}, {0.5, 0.5, 0}, {0, 0, 1}, {3, 2, 1}});
    assertEquals(0.75, Metrics.accuracy(p, new int[] {1, 0, 2, 1}));
    assertEquals(0.5, Metrics.accuracy(p, new int[] {1, 1, 2, 1}));
  }

  @Test
  void mseAveragesOverEveryEntry() {
    Matrix f = Matrix.of(new double[][] {{1, 2}, {3, 4}});
    Matrix y = Matrix.of(new double[][] {{1, 0}, {0, 4}});
    assertEquals((0 + 4 + 9 + 0) / 4.0, Metrics.mse(f, y));
    assertThrows(IllegalArgumentException.class, () -> Metrics.mse(f, Matrix.zeros(2, 3)));
  }
}
