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
 *
 * <p>The rule is not symmetric in (u, v), so of the two examples of an entry the one with the
 * larger variance is always u: an entry then comes out the same to the bit whichever block computes
 * it (the upper triangle of a symmetric block, a test × train block, a tile) and whichever of its
 * examples is the row. Taking the row's example as u, as neural-tangents does, would let an entry
 * and its transpose differ by the quadrature error.
 */
final class GaussHermite extends ClosedForms.Elementwise {
  /**
   * A conditional variance K₂₂ − K₁₂²/K₁₁ below this fraction of K₂₂ is rounding (a repeated
   * example's K₁₂ differs from its variance in the last bits) and taken as 0, so that a repeated
   * example is integrated as the diagonal is. Without it a kink at 0 (ELU, SELU) sees v = s·z₂ with
   * s ~ 1e-8 and moves Ṫ by ~1e-9, enough for the NTK of a set with a repeated example to have a
   * negative eigenvalue. For a smooth φ it changes T by O(1e-12).
   */
  private static final double PARALLEL = 1e-12;

  private final DoubleUnaryOperator fn;
  private final DoubleUnaryOperator derivative;
  private final Evaluator atNodes;
  private final int degree;
  private final double[] nodes;
  private final double[] weights;
  private final String name;

  /** φ and φ′ at {@code x[0..n)} into {@code f} and {@code d}, as {@code Phi.evaluate}. */
  @FunctionalInterface
  interface Evaluator {
    void evaluate(double[] x, double[] f, double[] d, int n);

    /** One point at a time, through φ and φ′. */
    static Evaluator pointwise(DoubleUnaryOperator fn, DoubleUnaryOperator derivative) {
      return (x, f, d, n) -> {
        for (int i = 0; i < n; i++) {
          f[i] = fn.applyAsDouble(x[i]);
          d[i] = derivative.applyAsDouble(x[i]);
        }
      };
    }
  }

  /**
   * @param atNodes φ and φ′ of many points at once (the inner sum's nodes), which may share work
   *     between the two; {@code fn} and {@code derivative} serve everything else
   */
  GaussHermite(
      DoubleUnaryOperator fn,
      DoubleUnaryOperator derivative,
      Evaluator atNodes,
      int degree,
      String name) {
    this.fn = fn;
    this.derivative = derivative;
    this.atNodes = atNodes;
    this.degree = degree;
    this.name = name;
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
    OuterFactors byRow = new OuterFactors().at(v1);
    OuterFactors byColumn = new OuterFactors();
    double[] points = new double[degree];
    double[] values = new double[degree];
    double[] slopes = new double[degree];
    for (int j = 0; j < len; j++) {
      double vj = v2[off + j];
      boolean rowFirst = v1 >= vj;
      OuterFactors outer = rowFirst ? byRow : byColumn.at(vj);
      double c = outer.root > 0 ? k[off + j] / outer.root : 0.0;
      double innerVariance = rowFirst ? vj : v1;
      double conditional = innerVariance - c * c;
      double s = conditional > PARALLEL * innerVariance ? Math.sqrt(conditional) : 0.0;
      double t = 0;
      double tDot = 0;
      for (int i = 0; i < degree; i++) {
        double base = c * nodes[i];
        for (int m = 0; m < degree; m++) {
          points[m] = base + s * nodes[m];
        }
        atNodes.evaluate(points, values, slopes, degree);
        double f = 0;
        double d = 0;
        for (int m = 0; m < degree; m++) {
          f += weights[m] * values[m];
          d += weights[m] * slopes[m];
        }
        t += outer.f[i] * f;
        tDot += outer.d[i] * d;
      }
      k[off + j] = t;
      theta[off + j] *= tDot;
    }
  }

  /** w_i·φ(a·z_i) and w_i·φ'(a·z_i) of the outer variable u = a·z₁, a = √K₁₁. */
  private final class OuterFactors {
    final double[] f = new double[degree];
    final double[] d = new double[degree];
    double root;

    OuterFactors at(double variance) {
      root = Math.sqrt(Math.max(variance, 0.0));
      for (int i = 0; i < degree; i++) {
        f[i] = weights[i] * fn.applyAsDouble(root * nodes[i]);
        d[i] = weights[i] * derivative.applyAsDouble(root * nodes[i]);
      }
      return this;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
