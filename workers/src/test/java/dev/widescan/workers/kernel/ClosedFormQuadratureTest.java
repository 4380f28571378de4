package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The activations' closed forms T(K) = E[φ(u)φ(v)] and Ṫ(K) = E[φ'(u)φ'(v)] against a generic
 * numerical integral: after the Cholesky factorization u = a·z₁, v = c·z₁ + s·z₂ with z ~ N(0, I),
 * a 2-D composite Gauss–Legendre rule on [−9, 9]², split where u or v crosses 0 so that the kinks
 * and jumps of ReLU and its derivative fall on panel edges (the Gaussian tail beyond 9 is below
 * 1e-18). Every activation of {@link Activation#values()}, with φ and φ' from the activation itself
 * (what finite networks evaluate), so this also checks that the kernel engine and the finite
 * networks mean the same φ.
 */
class ClosedFormQuadratureTest {
  private static final double TOLERANCE = 1e-9;
  private static final double LIMIT = 9.0;
  private static final double PANEL = 0.5;
  private static final double[][] GAUSS_LEGENDRE = gaussLegendre(16);
  private static double worst;

  @AfterAll
  static void report() {
    System.out.printf("quadrature: worst |closed form − quadrature| = %.3g%n", worst);
  }

  static Stream<Arguments> covariances() {
    double[][] ks = {
      {1.0, 0.3, 2.0},
      {0.5, -0.4, 1.5},
      {2.0, 1.99, 2.0},
      {1.0, 0.0, 1.0},
      {3.0, -2.9, 3.0},
      {0.7, 0.7, 0.7},
      {4.0, 1.0, 0.25},
    };
    Stream.Builder<Arguments> out = Stream.builder();
    for (Activation activation : Activation.values()) {
      for (double[] k : ks) {
        out.add(Arguments.of(activation, k[0], k[1], k[2]));
      }
    }
    return out.build();
  }

  @ParameterizedTest(name = "{0} K11={1} K12={2} K22={3}")
  @MethodSource("covariances")
  void closedFormMatchesQuadrature(Activation activation, double k11, double k12, double k22) {
    KernelState in =
        new KernelState(
            Matrix.of(new double[][] {{k12}}),
            Matrix.of(new double[][] {{1.0}}),
            new double[] {k11},
            new double[] {k22},
            false,
            0);
    KernelState out = Layers.activation(activation).apply(in);

    double t = expectation(activation::apply, k11, k12, k22);
    double tDot = expectation(activation::derivative, k11, k12, k22);
    note(Math.abs(out.nngp().get(0, 0) - t));
    note(Math.abs(out.ntk().get(0, 0) - tDot));
    assertEquals(t, out.nngp().get(0, 0), TOLERANCE, "T(K)");
    assertEquals(tDot, out.ntk().get(0, 0), TOLERANCE, "Ṫ(K)");
    assertEquals(expectation(activation::apply, k11, k11, k11), out.var1()[0], TOLERANCE, "T(K11)");
  }

  private static synchronized void note(double error) {
    worst = Math.max(worst, error);
  }

  /** E[g(u)·g(v)] for (u, v) ~ N(0, [[k11, k12], [k12, k22]]). */
  private static double expectation(DoubleUnaryOperator g, double k11, double k12, double k22) {
    double a = Math.sqrt(k11);
    double c = k12 / a;
    double s = Math.sqrt(Math.max(k22 - c * c, 0.0));
    return integrate(
        -LIMIT,
        LIMIT,
        0.0,
        z1 -> {
          double gu = g.applyAsDouble(a * z1);
          if (gu == 0) {
            return 0;
          }
          double inner =
              s == 0
                  ? g.applyAsDouble(c * z1)
                  : integrate(
                      -LIMIT,
                      LIMIT,
                      -c * z1 / s,
                      z2 -> g.applyAsDouble(c * z1 + s * z2) * density(z2));
          return gu * inner * density(z1);
        });
  }

  private static double density(double z) {
    return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  }

  /** ∫ f over [lo, hi] by composite Gauss–Legendre, with a panel edge at {@code breakpoint}. */
  private static double integrate(double lo, double hi, double breakpoint, DoubleUnaryOperator f) {
    if (breakpoint > lo && breakpoint < hi) {
      return panels(lo, breakpoint, f) + panels(breakpoint, hi, f);
    }
    return panels(lo, hi, f);
  }

  private static double panels(double lo, double hi, DoubleUnaryOperator f) {
    int count = Math.max(1, (int) Math.ceil((hi - lo) / PANEL));
    double h = (hi - lo) / count;
    double sum = 0;
    for (int p = 0; p < count; p++) {
      double mid = lo + (p + 0.5) * h;
      for (double[] node : GAUSS_LEGENDRE) {
        sum += node[1] * 0.5 * h * f.applyAsDouble(mid + 0.5 * h * node[0]);
      }
    }
    return sum;
  }

  /** Nodes and weights on [−1, 1], by Newton's method on the Legendre polynomial P_n. */
  private static double[][] gaussLegendre(int n) {
    double[][] out = new double[n][2];
    for (int i = 0; i < n; i++) {
      double x = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double dp = 0;
      for (int iter = 0; iter < 100; iter++) {
        double p0 = 1;
        double p1 = x;
        for (int k = 2; k <= n; k++) {
          double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        dp = n * (x * p1 - p0) / (x * x - 1);
        double dx = p1 / dp;
        x -= dx;
        if (Math.abs(dx) < 1e-16) {
          break;
        }
      }
      out[i][0] = x;
      out[i][1] = 2 / ((1 - x * x) * dp * dp);
    }
    return out;
  }
}
