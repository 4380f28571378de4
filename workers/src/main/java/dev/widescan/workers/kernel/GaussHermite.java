package dev.widescan.workers.kernel;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.linalg.SymmetricEigen;
import java.util.function.DoubleUnaryOperator;

/**
 * The kernel of any pointwise activation by Gauss–Hermite quadrature, as neural-tangents' {@code
 * ElementwiseNumerical(fn, deg)}: with u = √K₁₁·z₁, v = (K₁₂/√K₁₁)·z₁ + √(K₂₂ − K₁₂²/K₁₁)·z₂ and z
 * ~ N(0, I), T(K) = E[φ(u)φ(v)] and Ṫ(K) = E[φ'(u)φ'(v)] are sums over the tensor grid of {@code
 * degree}² nodes. Exact for polynomials of degree < 2·degree in each variable; smooth activations
 * converge fast, kinks and jumps slowly (use a closed form for those).
 */
final class GaussHermite extends ClosedForms.Elementwise {
  private final DoubleUnaryOperator fn;
  private final DoubleUnaryOperator derivative;
  private final int degree;
  private final double[] nodes;
  private final double[] weights;

  GaussHermite(DoubleUnaryOperator fn, DoubleUnaryOperator derivative, int degree) {
    this.fn = fn;
    this.derivative = derivative;
    this.degree = degree;
    double[][] rule = rule(degree);
    this.nodes = rule[0];
    this.weights = rule[1];
  }

  /**
   * Nodes and weights for E[g(z)], z ~ N(0, 1) (probabilists' Hermite), by Golub–Welsch: the nodes
   * are the eigenvalues of the Jacobi matrix with off-diagonal √k, the weights the squared first
   * components of its normalized eigenvectors.
   */
  static double[][] rule(int degree) {
    Matrix jacobi = Matrix.zeros(degree, degree);
    for (int k = 1; k < degree; k++) {
      jacobi.set(k - 1, k, Math.sqrt(k));
      jacobi.set(k, k - 1, Math.sqrt(k));
    }
    SymmetricEigen eigen = Blas.eigh(jacobi);
    double[] x = new double[degree];
    double[] w = new double[degree];
    for (int i = 0; i < degree; i++) {
      // Symmetrize: the rule is exactly symmetric about 0.
      int mirror = degree - 1 - i;
      x[i] = 0.5 * (eigen.values()[i] - eigen.values()[mirror]);
      double a = eigen.vectors().get(0, i);
      double b = eigen.vectors().get(0, mirror);
      w[i] = 0.5 * (a * a + b * b);
    }
    return new double[][] {x, w};
  }

  @Override
  public double apply(double x) {
    return fn.applyAsDouble(x);
  }

  @Override
  public double derivative(double x) {
    return derivative.applyAsDouble(x);
  }

  @Override
  public double variance(double v) {
    double root = Math.sqrt(Math.max(v, 0.0));
    double sum = 0;
    for (int i = 0; i < degree; i++) {
      double f = fn.applyAsDouble(root * nodes[i]);
      sum += weights[i] * f * f;
    }
    return sum;
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
    double a = Math.sqrt(Math.max(v1, 0.0));
    double[] fu = new double[degree];
    double[] du = new double[degree];
    for (int i = 0; i < degree; i++) {
      fu[i] = weights[i] * fn.applyAsDouble(a * nodes[i]);
      du[i] = weights[i] * derivative.applyAsDouble(a * nodes[i]);
    }
    for (int j = 0; j < len; j++) {
      double k12 = k[off + j];
      double c = a > 0 ? k12 / a : 0.0;
      double s = Math.sqrt(Math.max(v2[off + j] - c * c, 0.0));
      double t = 0;
      double tDot = 0;
      for (int i = 0; i < degree; i++) {
        double base = c * nodes[i];
        double f = 0;
        double d = 0;
        for (int m = 0; m < degree; m++) {
          double v = base + s * nodes[m];
          f += weights[m] * fn.applyAsDouble(v);
          d += weights[m] * derivative.applyAsDouble(v);
        }
        t += fu[i] * f;
        tDot += du[i] * d;
      }
      k[off + j] = t;
      theta[off + j] *= tDot;
    }
  }

  @Override
  public String toString() {
    return "ElementwiseNumerical(degree=" + degree + ")";
  }
}
