package dev.widescan.workers.nn;

import org.apache.commons.numbers.gamma.Erf;
import org.apache.commons.numbers.gamma.Erfc;

/**
 * φ and φ′ of a pointwise activation, as one of the formulas whose infinite-width kernels have
 * closed forms (neural-tangents' {@code stax.elementwise}). Every {@link Activation} is one of them
 * with its parameters; finite networks evaluate φ through it and the kernel engine reads the
 * parameters of its closed form from it, so the two cannot disagree on what φ is.
 *
 * <p>At the kink of the ReLU family (x = 0) φ′ is taken as 0, a subgradient for ReLU and |x| and a
 * measure-zero choice for the others; sign's φ′ is 0 everywhere, as automatic differentiation sees
 * it.
 */
public sealed interface Phi
    permits Phi.AbRelu, Phi.ScaledErf, Phi.Gelu, Phi.Sign, Phi.Sinusoid, Phi.Rbf, Phi.Identity {

  /** φ(x). */
  double apply(double x);

  /** φ′(x). */
  double derivative(double x);

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
}
