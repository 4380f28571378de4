package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** FastTrig against {@link StrictMath#atan2} (fdlibm), the reference it follows. */
class FastTrigTest {

  @Test
  void atan2IsFdlibmsWithinOneUlp() {
    SplittableRandom r = new SplittableRandom(1);
    double worst = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double y = r.nextGaussian() * Math.exp(r.nextDouble(-30, 30));
      double x = r.nextGaussian() * Math.exp(r.nextDouble(-30, 30));
      double ref = StrictMath.atan2(y, x);
      worst = Math.max(worst, Math.abs(FastTrig.atan2(y, x) - ref) / Math.ulp(ref));
    }
    assertTrue(worst <= 1.0, "worst " + worst + " ulp");
    assertEquals(0.0, FastTrig.atan2(0.0, 1.0));
    assertEquals(Math.PI, FastTrig.atan2(0.0, -1.0));
    assertEquals(Math.PI / 2, FastTrig.atan2(1.0, 0.0));
  }

  /**
   * The vectorized arc-cosine geometry: s = √(v1·v2 − k²) and ψ = atan2(s, |k|), whose angle θ is ψ
   * or π − ψ; both ψ and π − θ for k &lt; 0 (the ReLU's factor) stay within a few ulp, also for
   * correlations within 1e-17 of ±1 and near 0.
   */
  @Test
  void arcCosAnglesAreWithinThreeUlpOfAtan2() {
    SplittableRandom r = new SplittableRandom(2);
    int n = 1 << 16;
    double[] v2 = new double[n];
    double[] r2 = new double[n];
    double[] k = new double[n];
    double[] s = new double[n];
    double[] psi = new double[n];
    double worst = 0;
    for (int round = 0; round < 16; round++) {
      double v1 = Math.exp(r.nextDouble(-8, 8));
      for (int j = 0; j < n; j++) {
        v2[j] = Math.exp(r.nextDouble(-8, 8));
        r2[j] = Math.sqrt(v2[j]);
        double sign = r.nextBoolean() ? 1 : -1;
        double c =
            switch (j % 4) {
              case 0 -> r.nextDouble(-1, 1);
              case 1 -> sign * (1 - Math.exp(r.nextDouble(-40, 0)));
              case 2 -> sign * Math.exp(r.nextDouble(-40, 0));
              default -> sign * (1 + Math.exp(r.nextDouble(-50, -30)));
            };
        k[j] = c * Math.sqrt(v1 * v2[j]);
      }
      FastTrig.arcCosAngles(v1, Math.sqrt(v1), v2, r2, k, s, psi, 0, n);
      for (int j = 0; j < n; j++) {
        double sj = Math.sqrt(Math.max(v1 * v2[j] - k[j] * k[j], 0.0));
        assertEquals(sj, s[j], 0.0);
        double ref = StrictMath.atan2(sj, Math.abs(k[j]));
        worst = Math.max(worst, Math.abs(psi[j] - ref) / Math.ulp(ref));
      }
    }
    assertTrue(worst <= 3.0, "worst " + worst + " ulp");
  }

  @Test
  void aZeroExampleHasAngleZero() {
    double[] s = new double[2];
    double[] psi = new double[2];
    FastTrig.arcCosAngles(
        0.0, 0.0, new double[] {0.0, 1.0}, new double[] {0.0, 1.0}, new double[2], s, psi, 0, 2);
    assertEquals(0.0, psi[0]);
    assertEquals(0.0, psi[1]);
    assertEquals(0.0, s[0]);
  }
}
