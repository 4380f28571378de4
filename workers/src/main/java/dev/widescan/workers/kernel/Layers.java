package dev.widescan.workers.kernel;

import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import dev.widescan.workers.nn.Phi;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.DoubleUnaryOperator;

/**
 * Kernel-space layers following neural-tangents' {@code stax} conventions (Novak et al. 2020,
 * "Neural Tangents: Fast and Easy Infinite Neural Networks in Python"). Each activation maps the
 * NNGP by T(K) = E[φ(u)φ(v)] and the NTK by Θ ← Θ ⊙ Ṫ(K), Ṫ(K) = E[φ'(u)φ'(v)], with (u, v) ~ N(0,
 * [[K₁₁, K₁₂], [K₁₂, K₂₂]]) (Jacot et al. 2018; Lee et al. 2019).
 */
public final class Layers {
  private Layers() {}

  /**
   * A fully-connected layer (neural-tangents' {@code Dense(W_std, b_std, parameterization)}), with
   * a trainable bias even when {@code bStd} is 0, as neural-tangents does for a numeric {@code
   * b_std}.
   *
   * <ul>
   *   <li>NTK parameterization, h = (W_std/√N_in)·W·x + b_std·b: K ← W_std²·K + b_std², Θ ← K_new +
   *       W_std²·Θ (Jacot et al. 2018).
   *   <li>Standard parameterization, h = W·x + b with W ~ N(0, W_std²/N_in), b ~ N(0, b_std²): K ←
   *       W_std²·K + b_std², Θ ← N_in·K_old + 1 + W_std²·Θ, the 1 from the bias (Sohl-Dickstein et
   *       al. 2020, "On the infinite width limit of neural networks with a standard
   *       parameterization"; neural-tangents' {@code Dense}). N_in·K_old is the gradient with
   *       respect to W, since K_old = x·x'/N_in.
   * </ul>
   *
   * @param inputWidth N_in, the finite width of the layer's input; read only by the standard
   *     parameterization. 0 takes it from the incoming state, which knows it at the input (d).
   * @throws IllegalArgumentException for negative or non-finite standard deviations or widths; when
   *     applied in standard parameterization with no known input width
   */
  public static Layer dense(
      double wStd, double bStd, Parameterization parameterization, int inputWidth) {
    requireStd("W_std", wStd);
    requireStd("b_std", bStd);
    if (parameterization == null) {
      throw new IllegalArgumentException("parameterization must be given (ntk or standard)");
    }
    if (inputWidth < 0) {
      throw new IllegalArgumentException(
          "input width must be positive or 0 (from the state), got " + inputWidth);
    }
    return new Dense(wStd, bStd, parameterization, inputWidth);
  }

  /**
   * ReLU, φ(x) = max(x, 0), by the degree-1 arc-cosine kernel (Cho &amp; Saul 2009, "Kernel Methods
   * for Deep Learning"; neural-tangents' {@code Relu()} = {@code ABRelu(0, 1)}):
   *
   * <pre>
   *   T(K) = (√(K₁₁K₂₂ − K₁₂²) + (π − θ)·K₁₂) / (2π),   Ṫ(K) = (π − θ) / (2π),
   *   θ = atan2(√(K₁₁K₂₂ − K₁₂²), K₁₂).
   * </pre>
   *
   * The angle comes from atan2, as in neural-tangents, rather than arccos(K₁₂/√(K₁₁K₂₂)): no cosine
   * pushed past ±1 by rounding needs clipping, and θ is exactly 0 on the diagonal. For nearly
   * parallel inputs the angle stays ill-conditioned in K itself (a relative error ε in K₁₂ moves θ
   * by about ε/θ), which is why consistent variances matter (see {@link KernelState}).
   */
  public static Nonlinearity relu() {
    return RELU;
  }

  /**
   * φ(x) = a·min(x, 0) + b·max(x, 0) (neural-tangents' {@code ABRelu(a, b)}), by the arc-cosine
   * kernel of ReLU applied to φ = b·relu(x) − a·relu(−x):
   *
   * <pre>
   *   T(K) = (a − b)²·√(K₁₁K₂₂ − K₁₂²)/(2π) + Ṫ(K)·K₁₂,
   *   Ṫ(K) = (a² + b² − (a − b)²·θ/π)/2,   θ = atan2(√(K₁₁K₂₂ − K₁₂²), K₁₂).
   * </pre>
   *
   * @throws IllegalArgumentException for non-finite slopes
   */
  public static Nonlinearity abRelu(double a, double b) {
    return activation(Activation.abRelu(a, b));
  }

  /** Leaky ReLU, φ(x) = max(x, α·x) for α ≤ 1: {@link #abRelu}(α, 1). */
  public static Nonlinearity leakyRelu(double alpha) {
    return activation(Activation.leakyRelu(alpha));
  }

  /** φ(x) = |x|: {@link #abRelu}(−1, 1). */
  public static Nonlinearity abs() {
    return ABS;
  }

  /**
   * φ(x) = erf(x) (neural-tangents' {@code Erf(a=1, b=1, c=0)}), by Williams' closed form (Williams
   * 1997, "Computing with Infinite Networks"); see {@link #erf(double, double, double)}.
   */
  public static Nonlinearity erf() {
    return ERF;
  }

  /**
   * neural-tangents' {@code Sigmoid_like}: φ(x) = ½·erf(x/2.4020563531719796) + ½, an erf scaled to
   * track the logistic sigmoid (within 0.02 everywhere), so it has the closed form of {@link
   * #erf(double, double, double)}.
   */
  public static Nonlinearity sigmoidLike() {
    return activation(Activation.SIGMOID_LIKE);
  }

  /**
   * φ(x) = a·erf(b·x) + c (neural-tangents' {@code Erf(a, b, c)}; Williams 1997):
   *
   * <pre>
   *   T(K) = a²·(2/π)·arcsin(2b²K₁₂ / √((1 + 2b²K₁₁)(1 + 2b²K₂₂))) + c²,
   *   Ṫ(K) = a²b²·(4/π) / √((1 + 2b²K₁₁)(1 + 2b²K₂₂) − 4b⁴K₁₂²).
   * </pre>
   *
   * The arcsine is evaluated as atan2(2b²K₁₂, √D) with D = 1 + 2b²(K₁₁ + K₂₂) + 4b⁴(K₁₁K₂₂ − K₁₂²),
   * the same determinant Ṫ uses, which avoids cancellation near |argument| = 1.
   */
  public static Nonlinearity erf(double a, double b, double c) {
    return activation(Activation.erf(a, b, c));
  }

  /**
   * The exact GELU, φ(x) = x·Φ(x) (neural-tangents' {@code Gelu(approximate=False)}; Tsuchida et
   * al. 2021, "Avoiding Kernel Fixed Points: Computing with ELU and GELU Infinite Networks"). With
   * P = (1 + K₁₁)(1 + K₂₂), q = K₁₁K₂₂, D = P − K₁₂², δ = √D and A = atan2(K₁₂, δ):
   *
   * <pre>
   *   T(K) = ((K₁₂² + q·D)/(P·δ) + K₁₂·A)/(2π) + K₁₂/4,
   *   Ṫ(K) = 1/4 + A/(2π) + K₁₂/(2πδ)·(1/D + (1 − q)/P + 1)   (= ∂T/∂K₁₂, Price's theorem).
   * </pre>
   */
  public static Nonlinearity gelu() {
    return GELU;
  }

  /**
   * φ(x) = sign(x) (neural-tangents' {@code Sign()}): T(K) = 1 − 2θ/π =
   * (2/π)·arcsin(K₁₂/√(K₁₁K₂₂)), θ = atan2(√(K₁₁K₂₂ − K₁₂²), K₁₂). φ' is 0 wherever it exists, so Ṫ
   * = 0 and the NTK of the layers below is cut off, as in neural-tangents and as automatic
   * differentiation of a finite network sees it.
   */
  public static Nonlinearity sign() {
    return SIGN;
  }

  /**
   * φ(x) = a·sin(b·x + c) (neural-tangents' {@code Sin(a, b, c)}), from E[cos(b(u ∓ v))] =
   * e^(−b²(K₁₁ + K₂₂ ∓ 2K₁₂)/2):
   *
   * <pre>
   *   T(K) = (a²/2)·(e^(−b²(K₁₁ + K₂₂ − 2K₁₂)/2) − cos(2c)·e^(−b²(K₁₁ + K₂₂ + 2K₁₂)/2)),
   *   Ṫ(K) = (a²b²/2)·(e^(−b²(K₁₁ + K₂₂ − 2K₁₂)/2) + cos(2c)·e^(−b²(K₁₁ + K₂₂ + 2K₁₂)/2)).
   * </pre>
   */
  public static Nonlinearity sin(double a, double b, double c) {
    return activation(Activation.sin(a, b, c));
  }

  /** φ(x) = sin(x): {@link #sin(double, double, double)} with a = 1, b = 1, c = 0. */
  public static Nonlinearity sin() {
    return SIN;
  }

  /**
   * φ(x) = a·cos(b·x + c) = a·sin(b·x + c + π/2) (neural-tangents' {@code Cos(a, b, c)}): the
   * formulas of {@link #sin(double, double, double)} with cos(2c) replaced by −cos(2c).
   */
  public static Nonlinearity cos(double a, double b, double c) {
    return activation(Activation.cos(a, b, c));
  }

  /** φ(x) = cos(x). */
  public static Nonlinearity cos() {
    return COS;
  }

  /**
   * φ(x) = √2·sin(√(2γ)·x + π/4) (neural-tangents' {@code Rbf(gamma)}; Rahimi &amp; Recht 2007,
   * random Fourier features), whose NNGP is the RBF kernel: T(K) = exp(−γ(K₁₁ + K₂₂ − 2K₁₂)), which
   * on inputs is exp(−γ‖x − x'‖²/d); Ṫ(K) = 2γ·T(K).
   *
   * @throws IllegalArgumentException unless γ is finite and positive
   */
  public static Nonlinearity rbf(double gamma) {
    return activation(Activation.rbf(gamma));
  }

  /** φ(x) = x: T(K) = K, Ṫ(K) = 1; returns its input. */
  public static Nonlinearity identity() {
    return IDENTITY;
  }

  /**
   * Any pointwise activation, by Gauss–Hermite quadrature of degree {@code degree} in each of the
   * two dimensions (neural-tangents' {@code ElementwiseNumerical}): T(K) = E[φ(u)φ(v)] and Ṫ(K) =
   * E[φ'(u)φ'(v)], (u, v) ~ N(0, K), on a {@code degree}² grid after a Cholesky factorization of K.
   * Analytic φ converge geometrically in √degree, the faster the farther φ's complex poles are from
   * the real axis relative to √K: for K up to 4, T and Ṫ are within 5e-5 (relative to
   * √(T(K₁₁)T(K₂₂))) at degree 25 for the logistic sigmoid, softplus and SiLU (poles at ±iπ), but
   * only within 2e-3 and 2e-2 for tanh (±iπ/2), which degree 50 brings to 6e-5 and 1e-3, degree 100
   * to 1e-6 and 2e-5. A kink converges only algebraically (ELU, SELU: Ṫ within ~6% at degree 25,
   * ~1% at 100), a jump worse, so prefer a closed form for those. Costs degree² evaluations of φ
   * and as many of φ' per kernel entry, so a 1000 × 1000 depth-2 tanh kernel at degree 25 takes
   * ~3.7 s on two cores (φ and φ′ from one exponential per node; ~17 s through separate {@code
   * Math.tanh} and {@code Math.cosh}), where ReLU's closed form takes 0.06 s.
   *
   * @param fn φ
   * @param derivative φ'; at a kink, best the mean of the one-sided slopes, since an odd degree
   *     puts a node at 0
   * @param degree the number of nodes per dimension, 1 to {@value Activation#MAX_DEGREE}
   */
  public static Nonlinearity numerical(
      DoubleUnaryOperator fn, DoubleUnaryOperator derivative, int degree) {
    return numerical(
        fn,
        derivative,
        GaussHermite.Evaluator.pointwise(fn, derivative),
        degree,
        "ElementwiseNumerical(degree=" + degree + ")");
  }

  /**
   * {@link #numerical(DoubleUnaryOperator, DoubleUnaryOperator, int)} of an activation's φ and φ',
   * whether or not it has a closed form.
   */
  public static Nonlinearity numerical(Activation activation, int degree) {
    if (activation == null) {
      throw new IllegalArgumentException("activation must be given");
    }
    Phi phi = activation.phi();
    return numerical(
        phi::apply,
        phi::derivative,
        phi::evaluate,
        degree,
        "ElementwiseNumerical(" + activation.id() + ", degree=" + degree + ")");
  }

  private static Nonlinearity numerical(
      DoubleUnaryOperator fn,
      DoubleUnaryOperator derivative,
      GaussHermite.Evaluator atNodes,
      int degree,
      String name) {
    if (fn == null || derivative == null) {
      throw new IllegalArgumentException("the activation and its derivative must be given");
    }
    if (degree < 1 || degree > Activation.MAX_DEGREE) {
      throw new IllegalArgumentException(
          "Gauss–Hermite degree must be between 1 and "
              + Activation.MAX_DEGREE
              + ", got "
              + degree);
    }
    return new GaussHermite(fn, derivative, atNodes, degree, name);
  }

  /**
   * The kernel layer of a pointwise activation, with the activation's own φ and φ': the closed form
   * of its {@link Phi} (formulas on the factories above), or, for the kinds without one (tanh,
   * sigmoid, softplus, silu, elu, selu), {@link #numerical(Activation, int)} at the activation's
   * {@link Activation#quadratureDegree() degree}. Named by the activation's id either way.
   */
  public static Nonlinearity activation(Activation activation) {
    if (activation == null) {
      throw new IllegalArgumentException("activation must be given");
    }
    Phi phi = activation.phi();
    String name = activation.id();
    OptionalInt degree = activation.quadratureDegree();
    if (degree.isPresent()) {
      return numerical(phi::apply, phi::derivative, phi::evaluate, degree.getAsInt(), name);
    }
    if (phi instanceof Phi.AbRelu f) {
      return new ClosedForms.AbRelu(f, name);
    }
    if (phi instanceof Phi.ScaledErf f) {
      return new ClosedForms.ErfAct(f, name);
    }
    if (phi instanceof Phi.Sinusoid f) {
      return new ClosedForms.Sine(f, name);
    }
    if (phi instanceof Phi.Rbf f) {
      return new ClosedForms.Rbf(f, name);
    }
    if (phi instanceof Phi.Gelu f) {
      return new ClosedForms.Gelu(f, name);
    }
    if (phi instanceof Phi.Sign f) {
      return new ClosedForms.Sign(f, name);
    }
    if (phi instanceof Phi.Identity f) {
      return new ClosedForms.Identity(f, name);
    }
    throw new IllegalStateException("no closed-form kernel for " + phi);
  }

  /**
   * The layers applied one after another (neural-tangents' {@code serial}). A chain of Dense layers
   * and activations runs fused, all layers per entry in one pass, with the same arithmetic per
   * entry as applying the layers one by one.
   */
  public static Layer serial(Layer... layers) {
    List<Layer> list = List.of(layers);
    return new Serial(list);
  }

  private static final Nonlinearity RELU = activation(Activation.RELU);
  private static final Nonlinearity ABS = activation(Activation.ABS);
  private static final Nonlinearity ERF = activation(Activation.ERF);
  private static final Nonlinearity GELU = activation(Activation.GELU);
  private static final Nonlinearity SIGN = activation(Activation.SIGN);
  private static final Nonlinearity SIN = activation(Activation.SIN);
  private static final Nonlinearity COS = activation(Activation.COS);
  private static final Nonlinearity IDENTITY = activation(Activation.IDENTITY);

  private static void requireStd(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and non-negative, got " + value);
    }
  }

  private record Dense(double wStd, double bStd, Parameterization parameterization, int inputWidth)
      implements Pointwise {
    @Override
    public Op bind(int stateWidth) {
      double w2 = wStd * wStd;
      double b2 = bStd * bStd;
      if (parameterization == Parameterization.NTK) {
        return new Op() {
          @Override
          public double variance(double v) {
            return w2 * v + b2;
          }

          @Override
          public void row(
              double v1,
              double r1,
              double[] v2,
              double[] r2,
              double[] k,
              double[] theta,
              int off,
              int len,
              Work work) {
            for (int i = off, end = off + len; i < end; i++) {
              double kNew = w2 * k[i] + b2;
              k[i] = kNew;
              theta[i] = kNew + w2 * theta[i];
            }
          }
        };
      }
      int nIn = inputWidth > 0 ? inputWidth : stateWidth;
      if (nIn == 0) {
        throw new IllegalArgumentException(
            "a standard-parameterization Dense needs its input width N_in (Θ ← N_in·K + 1 + W²Θ),"
                + " but none was given and the incoming state does not know it");
      }
      return new Op() {
        @Override
        public double variance(double v) {
          return w2 * v + b2;
        }

        @Override
        public void row(
            double v1,
            double r1,
            double[] v2,
            double[] r2,
            double[] k,
            double[] theta,
            int off,
            int len,
            Work work) {
          for (int i = off, end = off + len; i < end; i++) {
            double kOld = k[i];
            k[i] = w2 * kOld + b2;
            theta[i] = nIn * kOld + 1.0 + w2 * theta[i];
          }
        }
      };
    }

    @Override
    public int outputWidth(int inputWidth) {
      return 0;
    }

    @Override
    public String toString() {
      return "Dense(W_std=" + wStd + ", b_std=" + bStd + ", " + parameterization.id() + ")";
    }
  }

  record Serial(List<Layer> layers) implements Layer {
    @Override
    public KernelState apply(KernelState in) {
      List<Pointwise> chain = PointwiseEngine.flatten(this);
      if (chain != null) {
        return chain.isEmpty() ? in : PointwiseEngine.apply(chain, in);
      }
      KernelState state = in;
      for (Layer layer : layers) {
        state = layer.apply(state);
      }
      return state;
    }

    @Override
    public String toString() {
      return "Serial" + layers;
    }
  }
}
