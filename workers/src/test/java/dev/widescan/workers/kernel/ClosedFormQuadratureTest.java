package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * networks mean the same φ: the closed forms to {@value #TOLERANCE}, and the Gauss–Hermite kernels
 * of the activations without one to the accuracy of their degree (comparing those with {@link
 * Layers#numerical} would compare a quadrature with itself).
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

  private static final double[][] COVARIANCES = {
    {1.0, 0.3, 2.0},
    {0.5, -0.4, 1.5},
    {2.0, 1.99, 2.0},
    {1.0, 0.0, 1.0},
    {3.0, -2.9, 3.0},
    {0.7, 0.7, 0.7},
    {4.0, 1.0, 0.25},
  };

  /**
   * The activations with a closed form; for the others {@link Layers#activation} is itself a
   * quadrature, compared with this integral by {@link #numericalKernelApproachesTheIntegral}.
   */
  static Stream<Arguments> covariances() {
    return cases(true);
  }

  static Stream<Arguments> numericalCovariances() {
    return cases(false);
  }

  private static Stream<Arguments> cases(boolean closedForm) {
    Stream.Builder<Arguments> out = Stream.builder();
    for (Activation activation : Activation.values()) {
      if (activation.quadratureDegree().isEmpty() == closedForm) {
        for (double[] k : COVARIANCES) {
          out.add(Arguments.of(activation, k[0], k[1], k[2]));
        }
      }
    }
    return out.build();
  }

  @ParameterizedTest(name = "{0} K11={1} K12={2} K22={3}")
  @MethodSource("covariances")
  void closedFormMatchesQuadrature(Activation activation, double k11, double k12, double k22) {
    KernelState out = Layers.activation(activation).apply(entry(k11, k12, k22));

    double t = expectation(activation::apply, k11, k12, k22);
    double tDot = expectation(activation::derivative, k11, k12, k22);
    note(Math.abs(out.nngp().get(0, 0) - t));
    note(Math.abs(out.ntk().get(0, 0) - tDot));
    assertEquals(t, out.nngp().get(0, 0), TOLERANCE, "T(K)");
    assertEquals(tDot, out.ntk().get(0, 0), TOLERANCE, "Ṫ(K)");
    assertEquals(expectation(activation::apply, k11, k11, k11), out.var1()[0], TOLERANCE, "T(K11)");
  }

  /**
   * The Gauss–Hermite kernels of the activations without a closed form, at their own degree and at
   * degree 100, against this integral; errors relative to √(T(K₁₁)·T(K₂₂)), the Cauchy–Schwarz
   * bound on |T(K)| (likewise for Ṫ). Within its {@link #bounds} at its own degree, within a
   * quarter of them at degree 100.
   */
  @ParameterizedTest(name = "{0} K11={1} K12={2} K22={3}")
  @MethodSource("numericalCovariances")
  void numericalKernelApproachesTheIntegral(
      Activation activation, double k11, double k12, double k22) {
    int degree = activation.quadratureDegree().orElseThrow();
    double[] own = numericalErrors(activation, k11, k12, k22);
    double[] fine = numericalErrors(activation.withQuadratureDegree(100), k11, k12, k22);
    System.out.printf(
        "Gauss–Hermite %s K=(%s, %s, %s): T %.1e, Ṫ %.1e at degree %d; %.1e, %.1e at 100%n",
        activation.id(), k11, k12, k22, own[0], own[1], degree, fine[0], fine[1]);
    double[] bounds = bounds(activation.kind());
    assertTrue(own[0] < bounds[0], "T error " + own[0] + " at degree " + degree);
    assertTrue(own[1] < bounds[1], "Ṫ error " + own[1] + " at degree " + degree);
    assertTrue(fine[0] < bounds[0] / 4, "T error " + fine[0] + " at degree 100");
    assertTrue(fine[1] < bounds[1] / 4, "Ṫ error " + fine[1] + " at degree 100");
  }

  /**
   * Bounds on the errors of T and Ṫ at degree 25 over {@link #COVARIANCES}, about twice the worst
   * measured (in brackets, then at degree 100). Analytic φ converge geometrically in √degree,
   * faster the farther their complex poles: σ, softplus and SiLU (poles at ±iπ) [2.3e-6, 4.5e-5;
   * 2.5e-13, 1.2e-11], tanh (±iπ/2) [2.0e-3, 2.2e-2; 6.1e-7, 1.3e-5], both worst at the largest
   * variances. ELU and SELU have a kink at 0 and converge only algebraically [6.8e-3, 6.2e-2;
   * 8.6e-4, 1.2e-2].
   */
  private static double[] bounds(Activation.Kind kind) {
    return switch (kind) {
      case SIGMOID, SOFTPLUS, SILU -> new double[] {1e-5, 1e-4};
      case TANH -> new double[] {5e-3, 5e-2};
      case ELU, SELU -> new double[] {1.5e-2, 0.12};
      default -> throw new IllegalArgumentException(kind + " has a closed form");
    };
  }

  private static double[] numericalErrors(
      Activation activation, double k11, double k12, double k22) {
    KernelState out = Layers.activation(activation).apply(entry(k11, k12, k22));
    double t = expectation(activation::apply, k11, k12, k22);
    double tDot = expectation(activation::derivative, k11, k12, k22);
    double tScale =
        Math.sqrt(
            expectation(activation::apply, k11, k11, k11)
                * expectation(activation::apply, k22, k22, k22));
    double tDotScale =
        Math.sqrt(
            expectation(activation::derivative, k11, k11, k11)
                * expectation(activation::derivative, k22, k22, k22));
    return new double[] {
      Math.abs(out.nngp().get(0, 0) - t) / tScale, Math.abs(out.ntk().get(0, 0) - tDot) / tDotScale
    };
  }

  private static synchronized void note(double error) {
    worst = Math.max(worst, error);
  }

  /** One entry K₁₂ with its variances, and Θ = 1 so that the layer's Θ is Ṫ(K). */
  private static KernelState entry(double k11, double k12, double k22) {
    return new KernelState(
        Matrix.of(new double[][] {{k12}}),
        Matrix.of(new double[][] {{1.0}}),
        new double[] {k11},
        new double[] {k22},
        false,
        0);
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
