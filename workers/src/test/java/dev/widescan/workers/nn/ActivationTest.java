package dev.widescan.workers.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.numbers.gamma.Erf;
import org.apache.commons.numbers.gamma.Erfc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Parsing, canonical ids, φ and φ′ of the spec's activations. */
class ActivationTest {

  static Iterable<Activation> examples() {
    return Activation.values();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void idParsesBackToAnEqualActivation(Activation a) {
    Activation again = Activation.parse(a.id());
    assertEquals(a, again);
    assertEquals(a.hashCode(), again.hashCode());
    assertEquals(a.id(), again.id());
  }

  @ParameterizedTest
  @MethodSource("examples")
  void evaluatingManyPointsAgreesWithPhiAndItsDerivative(Activation a) {
    double[] x = {
      -800, -40, -20.5, -3, -1, -0.25, -1e-9, -0.0, 0.0, 1e-300, 1e-9, 0.3, 1, 2.5, 19, 40, 800
    };
    double[] f = new double[x.length];
    double[] d = new double[x.length];
    a.phi().evaluate(x, f, d, x.length);
    for (int i = 0; i < x.length; i++) {
      double fx = a.apply(x[i]);
      double dx = a.derivative(x[i]);
      assertEquals(fx, f[i], 4e-16 * Math.max(1, Math.abs(fx)), a.id() + " φ at " + x[i]);
      assertEquals(dx, d[i], 4e-16 * Math.max(1, Math.abs(dx)), a.id() + " φ′ at " + x[i]);
    }
  }

  @Test
  void unparameterizedIdsAreTheOldEnumIds() {
    // Unit content hashes carry the id: these must not change.
    assertEquals("relu", Activation.RELU.id());
    assertEquals("erf", Activation.ERF.id());
    assertEquals("identity", Activation.IDENTITY.id());
    assertEquals("abs", Activation.ABS.id());
    assertEquals("gelu", Activation.GELU.id());
    assertEquals("sign", Activation.SIGN.id());
    assertEquals("sin", Activation.SIN.id());
    assertEquals("cos", Activation.COS.id());
    assertEquals("tanh", Activation.TANH.id());
    assertEquals("sigmoid", Activation.SIGMOID.id());
    assertEquals("softplus", Activation.SOFTPLUS.id());
    assertEquals("silu", Activation.SILU.id());
    assertEquals("elu", Activation.ELU.id());
    assertEquals("selu", Activation.SELU.id());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "relu; relu",
        "RELU; relu",
        "' Leaky_ReLU ( alpha = 0.10 ) '; leaky_relu(alpha=0.1)",
        "leaky_relu(alpha=-0); leaky_relu(alpha=0)",
        "ab_relu(b=2.0, a=-.5); ab_relu(a=-0.5, b=2)",
        "erf(); erf",
        "erf(a=1, b=1, c=0); erf",
        "erf(c=0.3, a=2); erf(a=2, c=0.3)",
        "erf(a=2, b=0.5, c=0.3); erf(a=2, b=0.5, c=0.3)",
        "sigmoid_like; sigmoid_like",
        "sin(a=1.5, b=0.7, c=0.4); sin(a=1.5, b=0.7, c=0.4)",
        "cos(b=+1e0); cos",
        "rbf(gamma=0.5); rbf(gamma=0.5)",
        "rbf(gamma=1); rbf",
        "rbf(gamma=1E-10); rbf(gamma=1e-10)",
        "rbf(gamma=0.0001); rbf(gamma=0.0001)",
        "erf(b=25e19); erf(b=2.5e+20)",
        "erf(b=1234567.5); erf(b=1234567.5)",
        "tanh(deg=25); tanh",
        "Tanh ( deg = 50.0 ); tanh(deg=50)",
        "sigmoid(deg=1); sigmoid(deg=1)",
        "softplus(deg=200); softplus(deg=200)",
        "elu(alpha=1, deg=25); elu",
        "elu(deg=40, alpha=0.5); elu(alpha=0.5, deg=40)",
        "selu(deg=1e2); selu(deg=100)",
      })
  void idIsCanonical(String text, String id) {
    assertEquals(id, Activation.parse(text).id());
  }

  @Test
  void everyFiniteParameterSurvivesTheRoundTrip() {
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 2000; i++) {
      double a = random.nextGaussian() * Math.pow(10, random.nextInt(-40, 40));
      Activation erf = Activation.erf(a, 1.0, 0.0);
      assertEquals(erf, Activation.parse(erf.id()), erf.id());
    }
  }

  @Test
  void equalParametersAreEqualActivations() {
    assertEquals(Activation.ERF, Activation.parse("erf(a=1)"));
    assertEquals(Activation.erf(2, 1, 0), Activation.parse("erf(a=2)"));
    assertNotEquals(Activation.ERF, Activation.parse("erf(a=2)"));
    assertNotEquals(Activation.parse("sin(a=2)"), Activation.parse("cos(a=2)"));
  }

  @Test
  void phiIsTheNamedFormula() {
    double x = -1.3;
    double y = 0.8;
    Activation leaky = Activation.parse("leaky_relu(alpha=0.1)");
    assertEquals(0.1 * x, leaky.apply(x), 0.0);
    assertEquals(y, leaky.apply(y), 0.0);
    assertEquals(0.1, leaky.derivative(x), 0.0);
    Activation ab = Activation.parse("ab_relu(a=-0.5, b=2)");
    assertEquals(0.65, ab.apply(x), 1e-15);
    assertEquals(1.6, ab.apply(y), 1e-15);
    assertEquals(-0.5, ab.derivative(x), 0.0);
    assertEquals(
        2 * Erf.value(0.5 * x) + 0.3, Activation.parse("erf(a=2, b=0.5, c=0.3)").apply(x), 0.0);
    assertEquals(
        1.5 * Math.sin(0.7 * x + 0.4), Activation.parse("sin(a=1.5, b=0.7, c=0.4)").apply(x), 0.0);
    assertEquals(
        0.8 * Math.cos(1.2 * x - 0.3), Activation.parse("cos(a=0.8, b=1.2, c=-0.3)").apply(x), 0.0);
    // √2·sin(x + π/4) = sin x + cos x at γ = 1/2.
    assertEquals(Math.sin(x) + Math.cos(x), Activation.parse("rbf(gamma=0.5)").apply(x), 1e-15);
    assertEquals(0.5, Activation.SIGMOID_LIKE.apply(0.0), 0.0);
    assertEquals(Math.abs(x), Activation.ABS.apply(x), 0.0);
    assertEquals(0.0, Activation.RELU.apply(Double.NEGATIVE_INFINITY), 0.0);
  }

  /**
   * The activations without a closed-form kernel against their textbook expressions, naive where
   * the argument keeps them exact: tanh = (e^(2x) − 1)/(e^(2x) + 1), σ = 1/(1 + e^(−x)), softplus =
   * log(1 + e^x), silu = x·σ(x), elu = x or α(e^x − 1), selu = λ·elu with α, λ to the 20 digits of
   * Klambauer et al. 2017.
   */
  @Test
  void phiOfTheNumericalKindsIsTheNamedFormula() {
    double lambda = 1.0507009873554804934193349852946;
    double alpha = 1.6732632423543772848170429916717;
    for (double x = -4.05; x < 4; x += 0.1) {
      double e = Math.exp(x);
      double logistic = 1 / (1 + Math.exp(-x));
      double elu = x > 0 ? x : e - 1;
      assertEquals((e * e - 1) / (e * e + 1), Activation.TANH.apply(x), 1e-15, "tanh");
      assertEquals(logistic, Activation.SIGMOID.apply(x), 1e-15, "sigmoid");
      assertEquals(Math.log(1 + e), Activation.SOFTPLUS.apply(x), 1e-15, "softplus");
      assertEquals(x * logistic, Activation.SILU.apply(x), 1e-15, "silu");
      assertEquals(elu, Activation.ELU.apply(x), 1e-15, "elu");
      assertEquals(
          x > 0 ? x : 0.5 * (e - 1), Activation.parse("elu(alpha=0.5)").apply(x), 1e-15, "elu");
      assertEquals(lambda * (x > 0 ? x : alpha * (e - 1)), Activation.SELU.apply(x), 1e-15, "selu");
      assertEquals(1 - Math.pow(Activation.TANH.apply(x), 2), Activation.TANH.derivative(x), 1e-15);
      assertEquals(logistic * (1 - logistic), Activation.SIGMOID.derivative(x), 1e-15);
      assertEquals(logistic, Activation.SOFTPLUS.derivative(x), 1e-15);
    }
  }

  /**
   * Where the naive expressions overflow, cancel or underflow, the stable ones keep every digit.
   */
  @Test
  void numericalKindsStayAccurateInTheirTails() {
    assertEquals(1000.0, Activation.SOFTPLUS.apply(1000), 0.0);
    assertEquals(Math.exp(-50), Activation.SOFTPLUS.apply(-50), 1e-15 * Math.exp(-50));
    assertEquals(Math.exp(-800), Activation.SIGMOID.apply(-800), 0.0);
    assertEquals(1.0, Activation.SIGMOID.apply(800), 0.0);
    // σ′(40) = σ(40)σ(−40) ≈ e^(−40), where σ(1 − σ) would be 0.
    double tail = Math.exp(-40) / Math.pow(1 + Math.exp(-40), 2);
    assertEquals(tail, Activation.SIGMOID.derivative(40), 1e-15 * tail);
    assertEquals(tail, Activation.SOFTPLUS.derivative(-40), 1e-15 * tail);
    // tanh′(20) = 1/cosh²(20) ≈ 4e^(−40), where 1 − tanh² would be 0.
    double sech2 = 4 / Math.pow(Math.exp(20) + Math.exp(-20), 2);
    assertEquals(sech2, Activation.TANH.derivative(20), 1e-14 * sech2);
    assertEquals(0.0, Activation.TANH.derivative(1000), 0.0);
    assertEquals(-0.0, Activation.SILU.apply(-1000), 0.0);
    assertEquals(-1.0, Activation.ELU.apply(Double.NEGATIVE_INFINITY), 0.0);
  }

  /**
   * SELU's constants are the ones that make N(0, 1) a fixed point: E[selu(z)] = 0 and E[selu(z)²] =
   * 1 for z ~ N(0, 1) (Klambauer et al. 2017, eqs. 4–5). With Φ the normal CDF, E[z; z &gt; 0] =
   * 1/√(2π), E[e^z − 1; z ≤ 0] = √e·Φ(−1) − 1/2 and E[(e^z − 1)²; z ≤ 0] = e²Φ(−2) − 2√e·Φ(−1) +
   * 1/2.
   */
  @Test
  void seluKeepsTheStandardNormalsMeanAndVariance() {
    Phi.ScaledElu selu = Phi.ScaledElu.SELU;
    double phiMinus1 = 0.5 * Erfc.value(1 / Math.sqrt(2));
    double phiMinus2 = 0.5 * Erfc.value(2 / Math.sqrt(2));
    double sqrtE = Math.exp(0.5);
    double mean =
        selu.scale() * (1 / Math.sqrt(2 * Math.PI) + selu.alpha() * (sqrtE * phiMinus1 - 0.5));
    double square =
        selu.scale()
            * selu.scale()
            * (0.5
                + selu.alpha()
                    * selu.alpha()
                    * (Math.exp(2) * phiMinus2 - 2 * sqrtE * phiMinus1 + 0.5));
    assertEquals(0.0, mean, 1e-15);
    assertEquals(1.0, square, 1e-15);
    assertEquals(Activation.SELU.phi(), selu);
  }

  /** At the kink of ELU and SELU φ′ is the mean of the one-sided slopes (see {@link Phi}). */
  @Test
  void eluFamilyTakesTheMeanSlopeAtItsKink() {
    assertEquals(1.0, Activation.ELU.derivative(0.0), 0.0);
    assertEquals(0.75, Activation.elu(0.5).derivative(0.0), 0.0);
    Phi.ScaledElu selu = Phi.ScaledElu.SELU;
    assertEquals(0.5 * selu.scale() * (1 + selu.alpha()), Activation.SELU.derivative(0.0), 0.0);
    assertEquals(selu.scale(), Activation.SELU.derivative(1e-300), 0.0);
    assertEquals(selu.scale() * selu.alpha(), Activation.SELU.derivative(-1e-300), 1e-15);
  }

  @Test
  void onlyTheKindsWithoutAClosedFormHaveAQuadratureDegree() {
    for (Activation a : Activation.values()) {
      boolean numerical =
          switch (a.kind()) {
            case TANH, SIGMOID, SOFTPLUS, SILU, ELU, SELU -> true;
            default -> false;
          };
      assertEquals(numerical, a.quadratureDegree().isPresent(), a.id());
    }
    assertEquals(25, Activation.TANH.quadratureDegree().orElseThrow());
    assertEquals(40, Activation.parse("elu(deg=40)").quadratureDegree().orElseThrow());
    Activation fine = Activation.ELU.withQuadratureDegree(100);
    assertEquals("elu(deg=100)", fine.id());
    assertEquals(Activation.ELU, fine.withQuadratureDegree(25));
    assertEquals(Activation.elu(0.5).phi(), Activation.elu(0.5).withQuadratureDegree(7).phi());
    IllegalArgumentException closed =
        assertThrows(
            IllegalArgumentException.class, () -> Activation.RELU.withQuadratureDegree(25));
    assertEquals(
        "relu has a closed-form kernel; it takes no quadrature degree", closed.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Activation.TANH.withQuadratureDegree(0));
    assertThrows(IllegalArgumentException.class, () -> Activation.TANH.withQuadratureDegree(201));
  }

  /**
   * φ′ against the central difference (φ(x + h) − φ(x − h))/2h, error O(h²·φ‴) + O(ε/h) ≈ 1e-10 at
   * h = 1e-5; the grid avoids the kinks at 0.
   */
  @ParameterizedTest
  @MethodSource("examples")
  void derivativeIsTheSlopeOfPhi(Activation a) {
    double h = 1e-5;
    double worst = 0;
    for (double x = -3.05; x < 3; x += 0.1) {
      double numeric = (a.apply(x + h) - a.apply(x - h)) / (2 * h);
      worst = Math.max(worst, Math.abs(a.derivative(x) - numeric));
    }
    assertTrue(worst < 1e-8, a + ": worst |φ′ − difference| " + worst);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        "softsign; unknown activation 'softsign'; expected one of relu, leaky_relu(alpha),"
            + " ab_relu(a, b), abs, erf(a=1, b=1, c=0), sigmoid_like, gelu, sign,"
            + " sin(a=1, b=1, c=0), cos(a=1, b=1, c=0), rbf(gamma=1), identity, tanh(deg=25),"
            + " sigmoid(deg=25), softplus(deg=25), silu(deg=25), elu(alpha=1, deg=25),"
            + " selu(deg=25)",
        "tanh(deg=0); deg of tanh must be a whole number from 1 to 200 (Gauss–Hermite nodes per"
            + " dimension), got 0; expected tanh(deg=25)",
        "tanh(deg=201); deg of tanh must be a whole number from 1 to 200",
        "silu(deg=2.5); deg of silu must be a whole number from 1 to 200 (Gauss–Hermite nodes per"
            + " dimension), got 2.5; expected silu(deg=25)",
        "elu(deg=-3); got -3; expected elu(alpha=1, deg=25)",
        "selu(deg=1e999); deg of selu must be a finite number, got Infinity",
        "tanh(alpha=1); tanh has no parameter 'alpha'; expected tanh(deg=25)",
        "selu(alpha=2); selu has no parameter 'alpha'; expected selu(deg=25)",
        "relu(deg=50); relu takes no parameters; expected relu",
        "leaky_relu; alpha has no default and is missing; expected leaky_relu(alpha)",
        "ab_relu(a=1); b has no default and is missing; expected ab_relu(a, b)",
        "leaky_relu(beta=0.1); leaky_relu has no parameter 'beta'; expected leaky_relu(alpha)",
        "relu(alpha=0.1); relu takes no parameters; expected relu",
        "erf(a=1, a=2); a is given twice; expected erf(a=1, b=1, c=0)",
        "erf(a=two); 'a=two' is not parameter=number",
        "erf(a=NaN); 'a=NaN' is not parameter=number",
        "erf(a=1,); '' is not parameter=number",
        "erf(a=1e999); a of erf must be a finite number, got Infinity",
        "rbf(gamma=0); gamma must be positive, got 0.0; expected rbf(gamma=1)",
        "erf(a=1; is not a name or name(parameter=number, ...)",
        "\"\"; is not a name or name(parameter=number, ...)",
      })
  void wrongInputSaysWhatWasWrongAndWhatIsExpected(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Activation.parse(text));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void factoriesRejectNonFiniteParameters() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Activation.leakyRelu(Double.NaN));
    assertEquals("alpha of leaky_relu must be a finite number, got NaN", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Activation.rbf(-1));
    assertThrows(IllegalArgumentException.class, () -> Activation.parse(null));
  }
}
