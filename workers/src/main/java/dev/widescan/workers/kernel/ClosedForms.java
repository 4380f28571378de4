package dev.widescan.workers.kernel;

import dev.widescan.workers.nn.Phi;

/**
 * The activations whose kernels have closed forms, following neural-tangents' {@code
 * stax.elementwise}. Each maps one row of a block at a time (see {@link Pointwise.Op}); the
 * formulas and their sources are on the factories in {@link Layers}. φ and φ' are those of the
 * {@link Phi} a closed form is built from, the ones finite networks use.
 */
final class ClosedForms {
  private static final double INV_TWO_PI = 1.0 / (2.0 * Math.PI);
  private static final double INV_PI = 1.0 / Math.PI;
  private static final double TWO_OVER_PI = 2.0 / Math.PI;
  private static final double FOUR_OVER_PI = 4.0 / Math.PI;

  private ClosedForms() {}

  /** Common plumbing: an activation keeps the width and is its own {@link Pointwise.Op}. */
  abstract static class Elementwise implements Nonlinearity, Pointwise, Pointwise.Op {
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

  /** A closed form of φ, named as the activation it was built from. */
  abstract static class ClosedForm extends Elementwise {
    private final Phi phi;
    private final String name;

    ClosedForm(Phi phi, String name) {
      this.phi = phi;
      this.name = name;
    }

    @Override
    public double apply(double x) {
      return phi.apply(x);
    }

    @Override
    public double derivative(double x) {
      return phi.derivative(x);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** φ(x) = a·min(x, 0) + b·max(x, 0); ReLU is (0, 1), leaky ReLU (α, 1), |x| (−1, 1). */
  static final class AbRelu extends ClosedForm {
    private final boolean relu;
    private final double sumSq;
    private final double diffSq;

    AbRelu(Phi.AbRelu phi, String name) {
      super(phi, name);
      double a = phi.a();
      double b = phi.b();
      this.relu = a == 0 && b == 1;
      this.sumSq = a * a + b * b;
      this.diffSq = (a - b) * (a - b);
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
  }

  /** φ(x) = a·erf(b·x) + c. */
  static final class ErfAct extends ClosedForm {
    private final double a2;
    private final double b2;
    private final double c2;

    ErfAct(Phi.ScaledErf phi, String name) {
      super(phi, name);
      this.a2 = phi.a() * phi.a();
      this.b2 = phi.b() * phi.b();
      this.c2 = phi.c() * phi.c();
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
  }

  /** φ(x) = x·Φ(x), the exact GELU. */
  static final class Gelu extends ClosedForm {
    Gelu(Phi.Gelu phi, String name) {
      super(phi, name);
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
  }

  /** φ(x) = sign(x). */
  static final class Sign extends ClosedForm {
    Sign(Phi.Sign phi, String name) {
      super(phi, name);
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
  }

  /** φ(x) = a·sin(b·x + c); cosine is the same with c + π/2. */
  static final class Sine extends ClosedForm {
    private final double cos2c;
    private final double a2;
    private final double halfB2;

    Sine(Phi.Sinusoid phi, String name) {
      super(phi, name);
      double c = phi.c();
      // cos(2(c + π/2)) = −cos(2c), exactly −1 for the plain cosine.
      this.cos2c = phi.cosine() ? -Math.cos(2.0 * c) : Math.cos(2.0 * c);
      this.a2 = phi.a() * phi.a();
      this.halfB2 = 0.5 * phi.b() * phi.b();
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
  }

  /** φ(x) = √2·sin(√(2γ)·x + π/4), whose NNGP is the RBF kernel exp(−γ‖x − x'‖²/d). */
  static final class Rbf extends ClosedForm {
    private final double gamma;

    Rbf(Phi.Rbf phi, String name) {
      super(phi, name);
      this.gamma = phi.gamma();
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
  }

  /** φ(x) = x. */
  static final class Identity extends ClosedForm {
    Identity(Phi.Identity phi, String name) {
      super(phi, name);
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
  }
}
