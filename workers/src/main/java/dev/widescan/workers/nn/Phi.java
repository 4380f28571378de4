package dev.widescan.workers.nn;

import org.apache.commons.numbers.gamma.Erf;
import org.apache.commons.numbers.gamma.Erfc;

/**
 * φ and φ′ of a pointwise activation: one of the formulas whose infinite-width kernels have closed
 * forms (neural-tangents' {@code stax.elementwise}), or one of the common activations without one,
 * whose kernels are integrated numerically (tanh, the logistic sigmoid, softplus, SiLU, ELU and
 * SELU). Every {@link Activation} is one of them with its parameters; finite networks evaluate φ
 * through it and the kernel engine reads the parameters of its closed form, or the φ and φ′ it
 * integrates, from it, so the two cannot disagree on what φ is.
 *
 * <p>At the kink of the ReLU family (x = 0) φ′ is taken as 0, a subgradient for ReLU and |x| and a
 * measure-zero choice for the others; sign's φ′ is 0 everywhere, as automatic differentiation sees
 * it. At the kink of ELU and SELU φ′ is the mean λ(1 + α)/2 of the two one-sided slopes: any value
 * between them is a subgradient, and the mean is what a quadrature node on the kink must see to
 * stand for both sides (Gauss–Hermite of odd degree, 25 among them, has a node at 0; with the left
 * slope there, as JAX's autodiff gives it, SELU's Ṫ at degree 25 is ~20% off, with the mean ~5%).
 */
public sealed interface Phi
    permits Phi.AbRelu,
        Phi.ScaledErf,
        Phi.Gelu,
        Phi.Sign,
        Phi.Sinusoid,
        Phi.Rbf,
        Phi.Identity,
        Phi.Tanh,
        Phi.Logistic,
        Phi.Softplus,
        Phi.Silu,
        Phi.ScaledElu {

  /** φ(x). */
  double apply(double x);

  /** φ′(x). */
  double derivative(double x);

  /**
   * φ and φ′ at {@code x[0..n)} into {@code f} and {@code d}: what a quadrature evaluates at every
   * node. Formulas whose φ and φ′ share a transcendental (one exponential for tanh, the sigmoid and
   * its relatives) compute it once per point, agreeing with {@link #apply} and {@link #derivative}
   * to within a few units of 2⁻⁵³ in absolute value.
   */
  default void evaluate(double[] x, double[] f, double[] d, int n) {
    for (int i = 0; i < n; i++) {
      f[i] = apply(x[i]);
      d[i] = derivative(x[i]);
    }
  }

  /**
   * φ(x) = a·min(x, 0) + b·max(x, 0) (neural-tangents' {@code ABRelu(a, b)}): ReLU is (0, 1), leaky
   * ReLU (α, 1), |x| (−1, 1).
   */
  record AbRelu(double a, double b) implements Phi {
    @Override
    public double apply(double x) {
      if (x > 0) {
        return b * x;
      }
      // 0, not 0·x: a dead unit stays 0 even when its input has overflowed to −∞ (or is NaN).
      return a == 0 ? 0.0 : a * x;
    }

    @Override
    public double derivative(double x) {
      return x > 0 ? b : x < 0 ? a : 0.0;
    }
  }

  /**
   * φ(x) = a·erf(b·x) + c (neural-tangents' {@code Erf(a, b, c)}); φ′(x) = a·b·(2/√π)·e^(−b²x²).
   */
  record ScaledErf(double a, double b, double c) implements Phi {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    @Override
    public double apply(double x) {
      return a * Erf.value(b * x) + c;
    }

    @Override
    public double derivative(double x) {
      return a * b * TWO_OVER_SQRT_PI * Math.exp(-b * b * x * x);
    }
  }

  /** The exact GELU, φ(x) = x·Φ(x) (neural-tangents' {@code Gelu(approximate=False)}). */
  record Gelu() implements Phi {
    private static final double INV_SQRT_TWO = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_TWO_PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    @Override
    public double apply(double x) {
      return 0.5 * x * Erfc.value(-x * INV_SQRT_TWO);
    }

    @Override
    public double derivative(double x) {
      return 0.5 * Erfc.value(-x * INV_SQRT_TWO) + x * INV_SQRT_TWO_PI * Math.exp(-0.5 * x * x);
    }
  }

  /** φ(x) = sign(x) (neural-tangents' {@code Sign()}); φ′ = 0. */
  record Sign() implements Phi {
    @Override
    public double apply(double x) {
      return Math.signum(x);
    }

    @Override
    public double derivative(double x) {
      return 0.0;
    }
  }

  /**
   * φ(x) = a·sin(b·x + c), or a·cos(b·x + c) when {@code cosine} (neural-tangents' {@code Sin(a, b,
   * c)} and {@code Cos(a, b, c)}).
   */
  record Sinusoid(double a, double b, double c, boolean cosine) implements Phi {
    @Override
    public double apply(double x) {
      return cosine ? a * Math.cos(b * x + c) : a * Math.sin(b * x + c);
    }

    @Override
    public double derivative(double x) {
      return cosine ? -a * b * Math.sin(b * x + c) : a * b * Math.cos(b * x + c);
    }
  }

  /**
   * φ(x) = √2·sin(√(2γ)·x + π/4) (neural-tangents' {@code Rbf(gamma)}), whose NNGP is the RBF
   * kernel.
   *
   * @throws IllegalArgumentException unless γ is positive
   */
  record Rbf(double gamma) implements Phi {
    private static final double SQRT_TWO = Math.sqrt(2.0);

    public Rbf {
      if (!(gamma > 0)) {
        throw new IllegalArgumentException("gamma must be positive, got " + gamma);
      }
    }

    @Override
    public double apply(double x) {
      return SQRT_TWO * Math.sin(Math.sqrt(2.0 * gamma) * x + 0.25 * Math.PI);
    }

    @Override
    public double derivative(double x) {
      double frequency = Math.sqrt(2.0 * gamma);
      return SQRT_TWO * frequency * Math.cos(frequency * x + 0.25 * Math.PI);
    }
  }

  /** φ(x) = x. */
  record Identity() implements Phi {
    @Override
    public double apply(double x) {
      return x;
    }

    @Override
    public double derivative(double x) {
      return 1.0;
    }
  }

  /** φ(x) = tanh(x); φ′(x) = 1/cosh²(x), which keeps its relative accuracy in the tails. */
  record Tanh() implements Phi {
    @Override
    public double apply(double x) {
      return Math.tanh(x);
    }

    @Override
    public double derivative(double x) {
      double c = Math.cosh(x);
      return 1.0 / (c * c);
    }

    /** With e = e^(−2|x|): tanh|x| = (1 − e)/(1 + e), sech²x = 4e/(1 + e)². */
    @Override
    public void evaluate(double[] x, double[] f, double[] d, int n) {
      for (int i = 0; i < n; i++) {
        double e = Math.exp(-2.0 * Math.abs(x[i]));
        double q = 1.0 / (1.0 + e);
        f[i] = Math.copySign((1.0 - e) * q, x[i]);
        d[i] = 4.0 * e * q * q;
      }
    }
  }

  /**
   * The logistic sigmoid σ(x) = 1/(1 + e^(−x)), evaluated as e^x/(1 + e^x) for x &lt; 0 so that no
   * e^(−x) overflows; φ′(x) = σ(x)·σ(−x), which, unlike σ(1 − σ), does not cancel for large x.
   */
  record Logistic() implements Phi {
    @Override
    public double apply(double x) {
      return sigmoid(x);
    }

    @Override
    public double derivative(double x) {
      return sigmoid(x) * sigmoid(-x);
    }

    /** With e = e^(−|x|): σ(|x|) = 1/(1 + e), σ(−|x|) = e/(1 + e), σ′ = their product. */
    @Override
    public void evaluate(double[] x, double[] f, double[] d, int n) {
      for (int i = 0; i < n; i++) {
        double e = Math.exp(-Math.abs(x[i]));
        double q = 1.0 / (1.0 + e);
        f[i] = x[i] >= 0 ? q : e * q;
        d[i] = e * q * q;
      }
    }
  }

  /**
   * softplus(x) = log(1 + e^x), evaluated as max(x, 0) + log1p(e^(−|x|)), which neither overflows
   * for large x nor loses the tail for very negative x; φ′(x) = σ(x).
   */
  record Softplus() implements Phi {
    @Override
    public double apply(double x) {
      return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    @Override
    public double derivative(double x) {
      return sigmoid(x);
    }

    @Override
    public void evaluate(double[] x, double[] f, double[] d, int n) {
      for (int i = 0; i < n; i++) {
        double e = Math.exp(-Math.abs(x[i]));
        f[i] = Math.max(x[i], 0.0) + Math.log1p(e);
        d[i] = x[i] >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      }
    }
  }

  /**
   * SiLU, a.k.a. swish (Elfwing et al. 2018; Ramachandran et al. 2017): φ(x) = x·σ(x); φ′(x) =
   * σ(x)·(1 + x·σ(−x)).
   */
  record Silu() implements Phi {
    @Override
    public double apply(double x) {
      return x * sigmoid(x);
    }

    @Override
    public double derivative(double x) {
      return sigmoid(x) * (1.0 + x * sigmoid(-x));
    }

    @Override
    public void evaluate(double[] x, double[] f, double[] d, int n) {
      for (int i = 0; i < n; i++) {
        double e = Math.exp(-Math.abs(x[i]));
        double q = 1.0 / (1.0 + e);
        double sigma = x[i] >= 0 ? q : e * q;
        double sigmaOfMinus = x[i] >= 0 ? e * q : q;
        f[i] = x[i] * sigma;
        d[i] = sigma * (1.0 + x[i] * sigmaOfMinus);
      }
    }
  }

  /**
   * φ(x) = λ·x for x &gt; 0 and λ·α·(e^x − 1) for x ≤ 0; φ′(x) = λ for x &gt; 0, λ·α·e^x for x &lt;
   * 0 and λ(1 + α)/2 at 0 (see the interface's comment). ELU (Clevert et al. 2016, "Fast and
   * Accurate Deep Network Learning by Exponential Linear Units") is λ = 1; SELU (Klambauer et al.
   * 2017, "Self-Normalizing Neural Networks") is {@link #SELU}.
   */
  record ScaledElu(double scale, double alpha) implements Phi {
    /** SELU's λ and α, as Klambauer et al. 2017 (and PyTorch, JAX) give them. */
    public static final ScaledElu SELU =
        new ScaledElu(1.0507009873554804934193349852946, 1.6732632423543772848170429916717);

    @Override
    public double apply(double x) {
      return x > 0 ? scale * x : scale * alpha * Math.expm1(x);
    }

    @Override
    public double derivative(double x) {
      if (x == 0) {
        return 0.5 * scale * (1.0 + alpha);
      }
      return x > 0 ? scale : scale * alpha * Math.exp(x);
    }

    @Override
    public void evaluate(double[] x, double[] f, double[] d, int n) {
      for (int i = 0; i < n; i++) {
        if (x[i] > 0) {
          f[i] = scale * x[i];
          d[i] = scale;
        } else {
          double m = Math.expm1(x[i]);
          f[i] = scale * alpha * m;
          d[i] = x[i] == 0 ? 0.5 * scale * (1.0 + alpha) : scale * alpha * (m + 1.0);
        }
      }
    }
  }

  /** σ(x) = 1/(1 + e^(−x)) without overflow: e^x/(1 + e^x) for x &lt; 0. */
  private static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }
}
