package dev.widescan.workers.finite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.infer.Targets;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backpropagation against central finite differences in float64, for every activation of {@link
 * Activation#values()} (each kind at its defaults and with other parameters), both
 * parameterizations and both losses. The error of (L(θ + h) − L(θ − h))/2h is O(h²) + O(ε·L/h) ≈
 * 1e-10 relative at h = 1e-5; a kink crossed by a step (ReLU) would show as a large error, not hide
 * one. Measured worst relative errors: ≤ 1.1e-8 for ReLU and erf, ≤ 7e-8 for erf(a=2, b=0.5,
 * c=0.3), ≤ 2.3e-7 for leaky_relu(alpha=0.1), ≤ 5.6e-7 for rbf (standard, MSE: a gradient entry
 * near the 1e-6 floor of the scale, where ε·L/h is relatively largest), ≤ 1.6e-7 for the kinds
 * without a closed-form kernel (sigmoid).
 */
class GradientCheckTest {
  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Activation a : Activation.values()) {
      for (Parameterization p : Parameterization.values()) {
        for (Loss l : Loss.values()) {
          out.add(Arguments.of(a, p, l));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void backpropagationMatchesFiniteDifferences(Activation act, Parameterization p, Loss loss) {
    FcSpec spec = new FcSpec(5, 7, 2, 3, act, p, 1.5, 0.3);
    FcNetwork net = FcNetwork.initialize(spec, 11);
    Matrix x = FiniteFixtures.sphere(4, 5, 1);
    int[] labels = {0, 2, 1, 2};
    Matrix y = loss == Loss.MSE ? FiniteFixtures.sphere(4, 3, 2) : Targets.oneHot(labels, 3, 0.0);
    FcNetwork.Gradient g = net.lossAndGradient(x, y, loss);
    assertEquals(net.loss(x, y, loss), g.loss(), 0.0);
    double[] analytic = g.flat();
    double[] theta = net.flatParameters();
    double h = 1e-5;
    double worst = 0;
    for (int i = 0; i < theta.length; i++) {
      double saved = theta[i];
      theta[i] = saved + h;
      net.setFlatParameters(theta);
      double up = net.loss(x, y, loss);
      theta[i] = saved - h;
      net.setFlatParameters(theta);
      double down = net.loss(x, y, loss);
      theta[i] = saved;
      double numeric = (up - down) / (2 * h);
      double scale = Math.max(Math.abs(analytic[i]) + Math.abs(numeric), 1e-6);
      worst = Math.max(worst, Math.abs(analytic[i] - numeric) / scale);
    }
    System.out.printf(
        "gradient check %s %s %s: worst relative error %.2e over %d parameters%n",
        act.id(), p.id(), loss.id(), worst, theta.length);
    assertTrue(worst < 1e-6, "worst relative error " + worst);
  }
}
