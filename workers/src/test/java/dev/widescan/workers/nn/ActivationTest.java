package dev.widescan.workers.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.numbers.gamma.Erf;
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
        "tanh; unknown activation 'tanh'; expected one of relu, leaky_relu(alpha), ab_relu(a, b),"
            + " abs, erf(a=1, b=1, c=0), sigmoid_like, gelu, sign, sin(a=1, b=1, c=0),"
            + " cos(a=1, b=1, c=0), rbf(gamma=1), identity",
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
