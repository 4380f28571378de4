package dev.widescan.workers.kernel;

import org.apache.commons.numbers.gamma.Erf;
import org.apache.commons.numbers.gamma.Erfc;

/**
 * The activations whose kernels have closed forms, following neural-tangents' {@code
 * stax.elementwise}. Each maps one row of a block at a time (see {@link Pointwise.Op}); the
 * formulas and their sources are on the factories in {@link Layers}.
 */
final class ClosedForms {
  private static final double INV_TWO_PI = 1.0 / (2.0 * Math.PI);
  private static final double INV_PI = 1.0 / Math.PI;
  private static final double TWO_OVER_PI = 2.0 / Math.PI;
  private static final double FOUR_OVER_PI = 4.0 / Math.PI;
  private static final double INV_SQRT_TWO = 1.0 / Math.sqrt(2.0);
  private static final double INV_SQRT_TWO_PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  private ClosedForms() {}

  /** Common plumbing: an activation keeps the width and is its own {@link Pointwise.Op}. */
  abstract static class Activation implements Nonlinearity, Pointwise, Pointwise.Op {
    @Override
    public Pointwise.Op bind(int inputWidth) {
      return this;
    }

    @Override
    public int outputWidth(int inputWidth) {
      return inputWidth;
    }

    @Override
    public KernelState apply(KernelState in) {
      return Pointwise.super.apply(in);
    }
  }

  /** φ(x) = a·min(x, 0) + b·max(x, 0); ReLU is (0, 1), leaky ReLU (α, 1), |x| (−1, 1). */
  static final class AbRelu extends Activation {
    private final double a;
    private final double b;
    private final String name;
    private final boolean relu;
    private final double sumSq;
    private final double diffSq;

    AbRelu(double a, double b, String name) {
      this.a = a;
      this.b = b;
      this.name = name;
      this.relu = a == 0 && b == 1;
      this.sumSq = a * a + b * b;
      this.diffSq = (a - b) * (a - b);
    }

    @Override
    public double apply(double x) {
      return x > 0 ? b * x : a * x;
    }

    @Override
    public double derivative(double x) {
      return x > 0 ? b : a;
    }

    @Override
    public double variance(double v) {
      return relu ? (Math.PI * v) * INV_TWO_PI : 0.5 * sumSq * v;
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
        Pointwise.Work work) {
      double[] s = work.a;
      double[] psi = work.b;
      int end = off + len;
      FastTrig.arcCosAngles(v1, r1, v2, r2, k, s, psi, off, end);
      // The angle θ is ψ for k ≥ 0 and π − ψ for k < 0; h weighs those two (see arcCosAngles).
      if (relu) {
        for (int j = off; j < end; j++) {
          double k12 = k[j];
          double h = 1.0 - Math.min(Math.max(-k12 * FastTrig.STEP, 0.0), 1.0);
          double piMinusTheta = (h * FastTrig.PI + (1.0 - 2.0 * h) * psi[j]) + h * FastTrig.PI_LO;
          k[j] = (s[j] + piMinusTheta * k12) * INV_TWO_PI;
          theta[j] *= piMinusTheta * INV_TWO_PI;
        }
        return;
      }
      for (int j = off; j < end; j++) {
        double k12 = k[j];
        double h = Math.min(Math.max(-k12 * FastTrig.STEP, 0.0), 1.0);
        double angle = (h * FastTrig.PI + (1.0 - 2.0 * h) * psi[j]) + h * FastTrig.PI_LO;
        double dot = 0.5 * (sumSq - diffSq * angle * INV_PI);
        k[j] = diffSq * s[j] * INV_TWO_PI + dot * k12;
        theta[j] *= dot;
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** φ(x) = a·erf(b·x) + c. */
  static final class ErfAct extends Activation {
    private final double a;
    private final double b;
    private final double c;
    private final double a2;
    private final double b2;
    private final double c2;

    ErfAct(double a, double b, double c) {
      this.a = a;
      this.b = b;
      this.c = c;
      this.a2 = a * a;
      this.b2 = b * b;
      this.c2 = c * c;
    }

    @Override
    public double apply(double x) {
      return a * Erf.value(b * x) + c;
    }

    @Override
    public double derivative(double x) {
      return a * b * 2.0 / Math.sqrt(Math.PI) * Math.exp(-b2 * x * x);
    }

    @Override
    public double variance(double v) {
      double det = 1.0 + 2.0 * b2 * (v + v);
      return a2 * (TWO_OVER_PI * FastTrig.atan2(2.0 * b2 * v, Math.sqrt(det))) + c2;
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
        Pointwise.Work work) {
      for (int j = 0; j < len; j++) {
        double k12 = k[off + j];
        double w2 = v2[off + j];
        double det =
            1.0 + 2.0 * b2 * (v1 + w2) + 4.0 * b2 * b2 * Math.max(v1 * w2 - k12 * k12, 0.0);
        double root = Math.sqrt(det);
        k[off + j] = a2 * (TWO_OVER_PI * FastTrig.atan2(2.0 * b2 * k12, root)) + c2;
        theta[off + j] *= a2 * b2 * (FOUR_OVER_PI / root);
      }
    }

    @Override
    public String toString() {
      return "Erf(a=" + a + ", b=" + b + ", c=" + c + ")";
    }
  }

  /** φ(x) = x·Φ(x), the exact GELU. */
  static final class Gelu extends Activation {
    @Override
    public double apply(double x) {
      return 0.5 * x * Erfc.value(-x * INV_SQRT_TWO);
    }

    @Override
    public double derivative(double x) {
      return 0.5 * Erfc.value(-x * INV_SQRT_TWO) + x * INV_SQRT_TWO_PI * Math.exp(-0.5 * x * x);
    }

    @Override
    public double variance(double v) {
      double[] k = {v};
      double[] t = {0.0};
      row(v, Math.sqrt(v), k.clone(), new double[] {Math.sqrt(v)}, k, t, 0, 1, null);
      return k[0];
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
        Pointwise.Work work) {
      for (int j = 0; j < len; j++) {
        double c = k[off + j];
        double w2 = v2[off + j];
        double p = (1.0 + v1) * (1.0 + w2);
        double q = v1 * w2;
        double dsq = Math.max(p - c * c, 0.0);
        double delta = Math.sqrt(dsq);
        double angle = FastTrig.atan2(c, delta);
        double t = ((c * c + q * dsq) / (p * delta) + c * angle) * INV_TWO_PI + 0.25 * c;
        double dot =
            0.25 + angle * INV_TWO_PI + c / delta * INV_TWO_PI * (1.0 / dsq + (1.0 - q) / p + 1.0);
        k[off + j] = t;
        theta[off + j] *= dot;
      }
    }

    @Override
    public String toString() {
      return "Gelu()";
    }
  }

  /** φ(x) = sign(x). */
  static final class Sign extends Activation {
    @Override
    public double apply(double x) {
      return Math.signum(x);
    }

    @Override
    public double derivative(double x) {
      return 0.0;
    }

    @Override
    public double variance(double v) {
      return v > 0 ? 1.0 : 0.0;
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
        Pointwise.Work work) {
      for (int j = 0; j < len; j++) {
        double k12 = k[off + j];
        double prod = v1 * v2[off + j];
        double s = Math.sqrt(Math.max(prod - k12 * k12, 0.0));
        k[off + j] = prod > 0 ? 1.0 - TWO_OVER_PI * FastTrig.atan2(s, k12) : 0.0;
        theta[off + j] = 0.0;
      }
    }

    @Override
    public String toString() {
      return "Sign()";
    }
  }

  /** φ(x) = a·sin(b·x + c); cosine is the same with c + π/2. */
  static final class Sine extends Activation {
    private final double a;
    private final double b;
    private final double c;
    private final double cos2c;
    private final boolean cosine;
    private final double a2;
    private final double halfB2;

    Sine(double a, double b, double c, boolean cosine) {
      this.a = a;
      this.b = b;
      this.c = c;
      this.cosine = cosine;
      // cos(2(c + π/2)) = −cos(2c), exactly −1 for the plain cosine.
      this.cos2c = cosine ? -Math.cos(2.0 * c) : Math.cos(2.0 * c);
      this.a2 = a * a;
      this.halfB2 = 0.5 * b * b;
    }

    @Override
    public double apply(double x) {
      return cosine ? a * Math.cos(b * x + c) : a * Math.sin(b * x + c);
    }

    @Override
    public double derivative(double x) {
      return cosine ? -a * b * Math.sin(b * x + c) : a * b * Math.cos(b * x + c);
    }

    @Override
    public double variance(double v) {
      return 0.5 * a2 * (1.0 - cos2c * Math.exp(-4.0 * halfB2 * v));
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
        Pointwise.Work work) {
      for (int j = 0; j < len; j++) {
        double k12 = k[off + j];
        double sum = v1 + v2[off + j];
        double minus = Math.exp(-halfB2 * Math.max(sum - 2.0 * k12, 0.0));
        double plus = cos2c * Math.exp(-halfB2 * (sum + 2.0 * k12));
        k[off + j] = 0.5 * a2 * (minus - plus);
        theta[off + j] *= a2 * halfB2 * (minus + plus);
      }
    }

    @Override
    public String toString() {
      return (cosine ? "Cos" : "Sin") + "(a=" + a + ", b=" + b + ", c=" + c + ")";
    }
  }

  /** φ(x) = √2·sin(√(2γ)·x + π/4), whose NNGP is the RBF kernel exp(−γ‖x − x'‖²/d). */
  static final class Rbf extends Activation {
    private final double gamma;
    private final double freq;

    Rbf(double gamma) {
      this.gamma = gamma;
      this.freq = Math.sqrt(2.0 * gamma);
    }

    @Override
    public double apply(double x) {
      return Math.sqrt(2.0) * Math.sin(freq * x + 0.25 * Math.PI);
    }

    @Override
    public double derivative(double x) {
      return Math.sqrt(2.0) * freq * Math.cos(freq * x + 0.25 * Math.PI);
    }

    @Override
    public double variance(double v) {
      return 1.0;
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
        Pointwise.Work work) {
      for (int j = 0; j < len; j++) {
        double t = Math.exp(-gamma * Math.max(v1 + v2[off + j] - 2.0 * k[off + j], 0.0));
        k[off + j] = t;
        theta[off + j] *= 2.0 * gamma * t;
      }
    }

    @Override
    public String toString() {
      return "Rbf(gamma=" + gamma + ")";
    }
  }

  /** φ(x) = x. */
  static final class Identity extends Activation {
    static final Identity INSTANCE = new Identity();

    @Override
    public double apply(double x) {
      return x;
    }

    @Override
    public double derivative(double x) {
      return 1.0;
    }

    @Override
    public double variance(double v) {
      return v;
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
        Pointwise.Work work) {}

    @Override
    public KernelState apply(KernelState in) {
      return in;
    }

    @Override
    public String toString() {
      return "Identity()";
    }
  }
}
