package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SigmoidLikeTest {

  @Test
  void tracksTheLogisticSigmoidAndItsSlope() {
    Nonlinearity phi = Layers.sigmoidLike();
    double worst = 0;
    for (double x = -12; x <= 12; x += 0.01) {
      double logistic = 1 / (1 + Math.exp(-x));
      worst = Math.max(worst, Math.abs(phi.apply(x) - logistic));
    }
    assertTrue(worst < 0.02, "max |φ − σ| = " + worst);
    assertEquals(0.5, phi.apply(0), 1e-15);
    // φ'(0) = ½ · (2/√π) / 2.4020563531719796, close to σ'(0) = ¼.
    assertEquals(0.5 * 2 / Math.sqrt(Math.PI) / 2.4020563531719796, phi.derivative(0), 1e-15);
    assertEquals(0.25, phi.derivative(0), 0.02);
  }
}
