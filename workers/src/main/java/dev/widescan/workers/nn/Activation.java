package dev.widescan.workers.nn;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pointwise activation with its parameters, as a sweep spec names it, shared by finite networks
 * ({@link #apply}, {@link #derivative}) and their infinite-width kernels ({@code
 * kernel.Layers.activation} maps its {@link #phi()} to a closed form, or integrates it
 * numerically). Names, parameters and defaults are neural-tangents' ({@code stax.elementwise})
 * where it has the activation, the usual ones (PyTorch's, JAX's) where it does not:
 *
 * <pre>
 *   relu                   max(x, 0)
 *   leaky_relu(alpha)      max(x, 0) + alpha·min(x, 0)       (no default, as LeakyRelu(alpha))
 *   ab_relu(a, b)          a·min(x, 0) + b·max(x, 0)         (no defaults, as ABRelu(a, b))
 *   abs                    |x|
 *   erf(a=1, b=1, c=0)     a·erf(b·x) + c
 *   sigmoid_like           0.5·erf(x/2.4020563531719796) + 0.5
 *   gelu                   x·Φ(x), Φ the standard normal CDF
 *   sign                   sign(x)
 *   sin(a=1, b=1, c=0)     a·sin(b·x + c)
 *   cos(a=1, b=1, c=0)     a·cos(b·x + c)
 *   rbf(gamma=1)           √2·sin(√(2γ)·x + π/4), whose NNGP is exp(−γ‖x − x'‖²/d)
 *   identity               x
 *   tanh(deg=25)           tanh(x)
 *   sigmoid(deg=25)        1/(1 + e^(−x)), the logistic sigmoid
 *   softplus(deg=25)       log(1 + e^x)
 *   silu(deg=25)           x·sigmoid(x), a.k.a. swish
 *   elu(alpha=1, deg=25)   x for x &gt; 0, alpha·(e^x − 1) otherwise
 *   selu(deg=25)           λ·elu(x) with alpha = α: α, λ of Klambauer et al. 2017
 * </pre>
 *
 * The last six have no closed-form kernel: {@code kernel.Layers.activation} integrates their φ and
 * φ′ by Gauss–Hermite quadrature with {@code deg} nodes per dimension (neural-tangents' {@code
 * ElementwiseNumerical(fn, deg=25)}), deg² evaluations of each per kernel entry and layer. {@code
 * deg} is a whole number from 1 to {@value #MAX_DEGREE}. At the default degree and variances up to
 * 4, the layer's T and Ṫ are within 5e-5 of the exact integrals for sigmoid, softplus and silu,
 * 2e-3 and 2e-2 for tanh, 1e-2 and 6e-2 for elu and selu, whose kink converges slowly (see {@code
 * kernel.Layers.numerical}); a larger deg buys accuracy at a cost growing as deg².
 *
 * <p>Activations are values: equal kinds with equal parameters are equal, and {@link #id()} is
 * their one canonical spelling.
 */
public final class Activation {

  /** The kinds of activation, each with its parameters and their defaults. */
  public enum Kind {
    RELU("relu", p -> new Phi.AbRelu(0.0, 1.0)),
    LEAKY_RELU("leaky_relu", p -> new Phi.AbRelu(p[0], 1.0), Parameter.required("alpha")),
    AB_RELU(
        "ab_relu",
        p -> new Phi.AbRelu(p[0], p[1]),
        Parameter.required("a"),
        Parameter.required("b")),
    ABS("abs", p -> new Phi.AbRelu(-1.0, 1.0)),
    ERF("erf", p -> new Phi.ScaledErf(p[0], p[1], p[2]), Parameter.abc()),
    SIGMOID_LIKE("sigmoid_like", p -> new Phi.ScaledErf(0.5, 1 / 2.4020563531719796, 0.5)),
    GELU("gelu", p -> new Phi.Gelu()),
    SIGN("sign", p -> new Phi.Sign()),
    SIN("sin", p -> new Phi.Sinusoid(p[0], p[1], p[2], false), Parameter.abc()),
    COS("cos", p -> new Phi.Sinusoid(p[0], p[1], p[2], true), Parameter.abc()),
    RBF("rbf", p -> new Phi.Rbf(p[0]), new Parameter("gamma", 1.0)),
    IDENTITY("identity", p -> new Phi.Identity()),
    TANH("tanh", p -> new Phi.Tanh(), Parameter.DEGREE),
    SIGMOID("sigmoid", p -> new Phi.Logistic(), Parameter.DEGREE),
    SOFTPLUS("softplus", p -> new Phi.Softplus(), Parameter.DEGREE),
    SILU("silu", p -> new Phi.Silu(), Parameter.DEGREE),
    ELU("elu", p -> new Phi.ScaledElu(1.0, p[0]), new Parameter("alpha", 1.0), Parameter.DEGREE),
    SELU("selu", p -> Phi.ScaledElu.SELU, Parameter.DEGREE);

    private final String id;
    private final Function<double[], Phi> phi;
    private final List<Parameter> parameters;

    Kind(String id, Function<double[], Phi> phi, Parameter... parameters) {
      this.id = id;
      this.phi = phi;
      this.parameters = List.of(parameters);
    }

    /** The name in a spec, e.g. {@code leaky_relu}. */
    public String id() {
      return id;
    }

    /**
     * The syntax with the defaults, e.g. {@code erf(a=1, b=1, c=0)} or {@code leaky_relu(alpha)}.
     */
    public String signature() {
      StringJoiner out = new StringJoiner(", ", id + "(", ")").setEmptyValue(id);
      for (Parameter p : parameters) {
        out.add(p.required() ? p.name() : p.name() + "=" + format(p.fallback()));
      }
      return out.toString();
    }

    private int indexOf(String parameter) {
      for (int i = 0; i < parameters.size(); i++) {
        if (parameters.get(i).name().equals(parameter)) {
          return i;
        }
      }
      return -1;
    }

    private double[] defaults() {
      return parameters.stream().mapToDouble(Parameter::fallback).toArray();
    }
  }

  /**
   * A parameter and its default (NaN for one that must be given); a {@code degree} is a whole
   * number from 1 to {@value #MAX_DEGREE}.
   */
  private record Parameter(String name, double fallback, boolean degree) {
    /** The Gauss–Hermite degree of a kind without a closed-form kernel. */
    static final Parameter DEGREE = new Parameter("deg", DEFAULT_DEGREE, true);

    Parameter(String name, double fallback) {
      this(name, fallback, false);
    }

    static Parameter required(String name) {
      return new Parameter(name, Double.NaN);
    }

    /** a = 1, b = 1, c = 0: neural-tangents' defaults for Erf, Sin and Cos. */
    static Parameter[] abc() {
      return new Parameter[] {
        new Parameter("a", 1.0), new Parameter("b", 1.0), new Parameter("c", 0.0)
      };
    }

    boolean required() {
      return Double.isNaN(fallback);
    }

    /**
     * @throws IllegalArgumentException naming the parameter, the kind and what it must be
     */
    void check(Kind kind, double value) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException(
            name + " of " + kind.id + " must be a finite number, got " + value);
      }
      if (degree && !(value >= 1 && value <= MAX_DEGREE && value == Math.rint(value))) {
        throw new IllegalArgumentException(
            name
                + " of "
                + kind.id
                + " must be a whole number from 1 to "
                + MAX_DEGREE
                + " (Gauss–Hermite nodes per dimension), got "
                + format(value));
      }
    }
  }

  /**
   * The Gauss–Hermite degree of an activation without a closed-form kernel when none is given:
   * neural-tangents' {@code ElementwiseNumerical(fn, deg=25)}.
   */
  public static final int DEFAULT_DEGREE = 25;

  /** The largest Gauss–Hermite degree, the most that {@code kernel.Layers.numerical} accepts. */
  public static final int MAX_DEGREE = 200;

  public static final Activation RELU = new Activation(Kind.RELU);
  public static final Activation ABS = new Activation(Kind.ABS);
  public static final Activation ERF = new Activation(Kind.ERF);
  public static final Activation SIGMOID_LIKE = new Activation(Kind.SIGMOID_LIKE);
  public static final Activation GELU = new Activation(Kind.GELU);
  public static final Activation SIGN = new Activation(Kind.SIGN);
  public static final Activation SIN = new Activation(Kind.SIN);
  public static final Activation COS = new Activation(Kind.COS);
  public static final Activation RBF = new Activation(Kind.RBF);
  public static final Activation IDENTITY = new Activation(Kind.IDENTITY);
  public static final Activation TANH = new Activation(Kind.TANH);
  public static final Activation SIGMOID = new Activation(Kind.SIGMOID);
  public static final Activation SOFTPLUS = new Activation(Kind.SOFTPLUS);
  public static final Activation SILU = new Activation(Kind.SILU);
  public static final Activation ELU = new Activation(Kind.ELU);
  public static final Activation SELU = new Activation(Kind.SELU);

  private static final List<Activation> EXAMPLES =
      List.of(
          RELU,
          leakyRelu(0.1),
          abRelu(-0.5, 2.0),
          ABS,
          ERF,
          erf(2.0, 0.5, 0.3),
          SIGMOID_LIKE,
          GELU,
          SIGN,
          SIN,
          sin(1.5, 0.7, 0.4),
          COS,
          cos(0.8, 1.2, -0.3),
          RBF,
          rbf(0.5),
          IDENTITY,
          TANH,
          TANH.withQuadratureDegree(50),
          SIGMOID,
          SOFTPLUS,
          SILU,
          ELU,
          elu(0.5),
          SELU);

  private static final Pattern SYNTAX = Pattern.compile("\\s*(\\w+)\\s*(?:\\((.*)\\))?\\s*");
  private static final Pattern ARGUMENT =
      Pattern.compile("\\s*(\\w+)\\s*=\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*");

  private final Kind kind;
  private final double[] parameters;
  private final Phi phi;

  private Activation(Kind kind) {
    this(kind, kind.defaults());
  }

  private Activation(Kind kind, double[] parameters) {
    for (int i = 0; i < parameters.length; i++) {
      kind.parameters.get(i).check(kind, parameters[i]);
      parameters[i] += 0.0; // −0 → +0, so that equal activations have one spelling
    }
    this.kind = kind;
    this.parameters = parameters;
    this.phi = kind.phi.apply(parameters);
  }

  /** φ(x) = max(x, α·x) for α ≤ 1 (neural-tangents' {@code LeakyRelu(alpha)}). */
  public static Activation leakyRelu(double alpha) {
    return new Activation(Kind.LEAKY_RELU, new double[] {alpha});
  }

  /** φ(x) = a·min(x, 0) + b·max(x, 0) (neural-tangents' {@code ABRelu(a, b)}). */
  public static Activation abRelu(double a, double b) {
    return new Activation(Kind.AB_RELU, new double[] {a, b});
  }

  /** φ(x) = a·erf(b·x) + c (neural-tangents' {@code Erf(a, b, c)}). */
  public static Activation erf(double a, double b, double c) {
    return new Activation(Kind.ERF, new double[] {a, b, c});
  }

  /** φ(x) = a·sin(b·x + c) (neural-tangents' {@code Sin(a, b, c)}). */
  public static Activation sin(double a, double b, double c) {
    return new Activation(Kind.SIN, new double[] {a, b, c});
  }

  /** φ(x) = a·cos(b·x + c) (neural-tangents' {@code Cos(a, b, c)}). */
  public static Activation cos(double a, double b, double c) {
    return new Activation(Kind.COS, new double[] {a, b, c});
  }

  /**
   * φ(x) = √2·sin(√(2γ)·x + π/4) (neural-tangents' {@code Rbf(gamma)}).
   *
   * @throws IllegalArgumentException unless γ is finite and positive
   */
  public static Activation rbf(double gamma) {
    return new Activation(Kind.RBF, new double[] {gamma});
  }

  /**
   * φ(x) = x for x &gt; 0, α·(e^x − 1) otherwise (Clevert et al. 2016), its kernel by quadrature of
   * the default degree.
   */
  public static Activation elu(double alpha) {
    return new Activation(Kind.ELU, new double[] {alpha, DEFAULT_DEGREE});
  }

  /**
   * Every kind at its defaults and, for those with parameters, an instance away from them: what
   * tests iterate to cover every activation. Not every value there is (parameters are continuous).
   */
  public static List<Activation> values() {
    return EXAMPLES;
  }

  /**
   * Parses a spec's activation: a name, or a name with parameters as {@code name=number} in
   * parentheses ({@code relu}, {@code leaky_relu(alpha=0.1)}, {@code erf(a=2, b=0.5)}); names are
   * case-insensitive and omitted parameters take their defaults (see the class comment).
   *
   * @throws IllegalArgumentException naming what was wrong and what every kind expects
   */
  public static Activation parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "activation '" + text + "' is not a name or name(parameter=number, ...); " + expected());
    }
    Kind kind = kind(m.group(1));
    if (kind == null) {
      throw new IllegalArgumentException(
          "unknown activation '" + m.group(1).trim() + "'; " + expected());
    }
    double[] values = kind.defaults();
    boolean[] given = new boolean[values.length];
    String arguments = m.group(2);
    if (arguments != null && !arguments.isBlank()) {
      for (String argument : arguments.split(",", -1)) {
        Matcher a = ARGUMENT.matcher(argument);
        if (!a.matches()) {
          throw invalid(text, kind, "'" + argument.trim() + "' is not parameter=number");
        }
        String name = a.group(1).toLowerCase(Locale.ROOT);
        int index = kind.indexOf(name);
        if (index < 0) {
          throw invalid(
              text,
              kind,
              kind.parameters.isEmpty()
                  ? kind.id + " takes no parameters"
                  : kind.id + " has no parameter '" + name + "'");
        }
        if (given[index]) {
          throw invalid(text, kind, name + " is given twice");
        }
        given[index] = true;
        values[index] = Double.parseDouble(a.group(2));
      }
    }
    for (int i = 0; i < values.length; i++) {
      if (kind.parameters.get(i).required() && !given[i]) {
        throw invalid(text, kind, kind.parameters.get(i).name() + " has no default and is missing");
      }
    }
    try {
      return new Activation(kind, values);
    } catch (IllegalArgumentException e) {
      throw invalid(text, kind, e.getMessage());
    }
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The Gauss–Hermite degree (nodes per dimension) that the kernel of a kind without a closed form
   * is integrated with, its {@code deg}; empty for a kind with a closed-form kernel.
   */
  public OptionalInt quadratureDegree() {
    int index = kind.indexOf(Parameter.DEGREE.name());
    return index < 0 ? OptionalInt.empty() : OptionalInt.of((int) parameters[index]);
  }

  /**
   * This activation with its kernel integrated at another Gauss–Hermite degree.
   *
   * @throws IllegalArgumentException for a kind with a closed-form kernel, or a degree outside 1 to
   *     {@value #MAX_DEGREE}
   */
  public Activation withQuadratureDegree(int degree) {
    int index = kind.indexOf(Parameter.DEGREE.name());
    if (index < 0) {
      throw new IllegalArgumentException(
          kind.id + " has a closed-form kernel; it takes no quadrature degree");
    }
    double[] changed = parameters.clone();
    changed[index] = degree;
    return new Activation(kind, changed);
  }

  /** The function itself, with its parameters. */
  public Phi phi() {
    return phi;
  }

  /** φ(x). */
  public double apply(double x) {
    return phi.apply(x);
  }

  /** φ′(x); see {@link Phi} for the kinks. */
  public double derivative(double x) {
    return phi.derivative(x);
  }

  /**
   * The canonical spelling, which {@link #parse} reads back to an equal activation: the kind's
   * name, then the parameters that differ from their defaults in the kind's order, each number in
   * its shortest exact decimal ({@code relu}, {@code erf(a=2, c=0.3)}, {@code
   * leaky_relu(alpha=0.1)}). Stable, since unit content hashes and results carry it.
   */
  public String id() {
    StringJoiner out = new StringJoiner(", ", kind.id + "(", ")").setEmptyValue(kind.id);
    for (int i = 0; i < parameters.length; i++) {
      Parameter p = kind.parameters.get(i);
      if (p.required() || parameters[i] != p.fallback()) {
        out.add(p.name() + "=" + format(parameters[i]));
      }
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Activation a && kind == a.kind && Arrays.equals(parameters, a.parameters);
  }

  @Override
  public int hashCode() {
    return 31 * kind.hashCode() + Arrays.hashCode(parameters);
  }

  @Override
  public String toString() {
    return id();
  }

  private static Kind kind(String name) {
    for (Kind k : Kind.values()) {
      if (k.id.equalsIgnoreCase(name)) {
        return k;
      }
    }
    return null;
  }

  private static IllegalArgumentException invalid(String text, Kind kind, String problem) {
    return new IllegalArgumentException(
        "activation '" + text.trim() + "': " + problem + "; expected " + kind.signature());
  }

  /** Every kind's syntax, for error messages. */
  private static String expected() {
    StringJoiner kinds = new StringJoiner(", ");
    for (Kind k : Kind.values()) {
      kinds.add(k.signature());
    }
    return "expected one of "
        + kinds
        + ", parameters as name=number (e.g. leaky_relu(alpha=0.1)), omitted ones taking the"
        + " defaults shown";
  }

  /**
   * The shortest decimal that reads back to {@code v} ({@link Double#toString}'s digits), without
   * trailing zeros: plain between 1e-6 and 1e15 ({@code 2}, {@code 0.1}, {@code 0.0001}), else
   * scientific ({@code 1e-10}, {@code 2.5e+20}).
   */
  public static String format(double v) {
    BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
    int exponent = d.precision() - d.scale() - 1;
    if (d.signum() == 0 || (exponent >= -6 && exponent < 15)) {
      return d.toPlainString();
    }
    return d.toString().toLowerCase(Locale.ROOT);
  }
}
