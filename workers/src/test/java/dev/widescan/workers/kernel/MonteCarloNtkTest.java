package dev.widescan.workers.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The analytic NNGP and NTK of every closed-form activation and of two without one, in both
 * parameterizations, against the empirical kernels of random finite networks x → Dense(N) → φ →
 * [Dense(N) → φ] → Dense(k).
 *
 * <p>Empirical NNGP: E[f(x)·f(x')] over initializations; empirical NTK: the Jacobian inner product
 * Σ_p ∂f(x)/∂p · ∂f(x')/∂p over all weights and biases, computed layer by layer from the forward
 * activations and the back-propagated δ's. The readout's weights are independent of everything
 * below them and enter both kernels only through their second moment, so their expectation is taken
 * exactly (as if averaging over infinitely many output channels, as neural-tangents' {@code
 * monte_carlo_kernel_fn} averages over its output channels); the hidden layers are sampled. The
 * error then has a sampling part ~1/√(N·draws) and, from depth 2, a finite-width bias ~1/N.
 *
 * <p>tanh and ELU have no closed form: their kernels are Gauss–Hermite quadrature, here at degrees
 * (100, 200) fine enough that the quadrature's bias is below the sampling error. At the default
 * degree 25 the bias shows and does not shrink with width: one hidden layer, NTK parameterization,
 * NTK error 0.0129 at width 1024 and 0.0125 at 4096 for tanh, 0.023 and 0.026 for ELU (against
 * 0.0048 / 0.0031 and 0.0090 / 0.0037 at the fine degrees).
 *
 * <p>Seeds are fixed, so the numbers below are deterministic.
 */
class MonteCarloNtkTest {
  private static final int INPUTS = 6;
  private static final int DIM = 8;
  private static final double W_STD = 1.3;
  private static final double B_STD = 0.4;

  /** Relative Frobenius tolerance at the wide width (neural-tangents uses ~0.04–0.05 at 1024). */
  private static final double TOLERANCE = 0.05;

  static Stream<Arguments> shallow() {
    Stream.Builder<Arguments> out = Stream.builder();
    for (Nonlinearity act : activations()) {
      for (Parameterization p : Parameterization.values()) {
        out.add(Arguments.of(act, p));
      }
    }
    return out.build();
  }

  static Nonlinearity[] activations() {
    return new Nonlinearity[] {
      Layers.relu(),
      Layers.leakyRelu(0.1),
      Layers.abs(),
      Layers.abRelu(-0.5, 2.0),
      Layers.erf(),
      Layers.erf(2.0, 0.5, 0.3),
      Layers.gelu(),
      Layers.sign(),
      Layers.sin(1.5, 0.7, 0.4),
      Layers.cos(),
      Layers.rbf(0.5),
      Layers.identity(),
      Layers.activation(Activation.parse("tanh(deg=100)")),
      Layers.activation(Activation.parse("elu(deg=200)")),
    };
  }

  @ParameterizedTest(name = "depth 1 {0} {1}")
  @MethodSource("shallow")
  void oneHiddenLayerMatchesWideRandomNetworks(Nonlinearity act, Parameterization p) {
    check(act, p, 1, 1024, 4096, 12);
  }

  static Stream<Arguments> deep() {
    Stream.Builder<Arguments> out = Stream.builder();
    for (Nonlinearity act :
        new Nonlinearity[] {
          Layers.relu(),
          Layers.erf(),
          Layers.gelu(),
          Layers.sin(),
          Layers.activation(Activation.parse("tanh(deg=100)")),
          Layers.activation(Activation.parse("elu(deg=200)"))
        }) {
      for (Parameterization p : Parameterization.values()) {
        out.add(Arguments.of(act, p));
      }
    }
    return out.build();
  }

  @ParameterizedTest(name = "depth 2 {0} {1}")
  @MethodSource("deep")
  void twoHiddenLayersConvergeAsWidthGrows(Nonlinearity act, Parameterization p) {
    check(act, p, 2, 128, 1024, 16);
  }

  private static void check(
      Nonlinearity act, Parameterization p, int depth, int narrow, int wide, int draws) {
    Matrix x = gaussian(new SplittableRandom(7), INPUTS, DIM);
    double[] errWide = errors(act, p, depth, wide, draws, x);
    double[] errNarrow = errors(act, p, depth, narrow, draws, x);
    System.out.printf(
        "MC %-28s %-8s depth %d: NNGP %.4f @%d, %.4f @%d; NTK %.4f @%d, %.4f @%d%n",
        act,
        p.id(),
        depth,
        errNarrow[0],
        narrow,
        errWide[0],
        wide,
        errNarrow[1],
        narrow,
        errWide[1],
        wide);
    assertTrue(errWide[0] < TOLERANCE, "NNGP error " + errWide[0] + " at width " + wide);
    assertTrue(errWide[1] < TOLERANCE, "NTK error " + errWide[1] + " at width " + wide);
    assertTrue(errWide[0] < errNarrow[0], "NNGP error should shrink with width");
    if (!(act instanceof ClosedForms.Identity)) {
      assertTrue(errWide[1] < errNarrow[1], "NTK error should shrink with width");
    }
  }

  /** Relative Frobenius errors of the empirical NNGP and NTK at one width. */
  private static double[] errors(
      Nonlinearity act, Parameterization p, int depth, int width, int draws, Matrix x) {
    Layer[] layers = new Layer[2 * depth + 1];
    for (int l = 0; l < depth; l++) {
      layers[2 * l] = Layers.dense(W_STD, B_STD, p, l == 0 ? 0 : width);
      layers[2 * l + 1] = act;
    }
    layers[2 * depth] = Layers.dense(W_STD, B_STD, p, width);
    KernelState analytic = Layers.serial(layers).apply(KernelState.ofInputs(x));
    Matrix[] empirical = empirical(act, p, depth, width, draws, x, new SplittableRandom(11));
    return new double[] {
      relativeFrobenius(empirical[0], analytic.nngp()),
      relativeFrobenius(empirical[1], analytic.ntk())
    };
  }

  /**
   * Averages over draws of the NNGP and NTK of one finite network with its readout integrated. NTK
   * parameterization: h = (W_std/√N_in)·W·a + b_std·b, gradients with respect to W and b ~ N(0, 1).
   * Standard: h = W·a + b with W ~ N(0, W_std²/N_in), b ~ N(0, b_std²), gradients with respect to
   * those W and b.
   */
  private static Matrix[] empirical(
      Nonlinearity act,
      Parameterization p,
      int depth,
      int width,
      int draws,
      Matrix x,
      SplittableRandom random) {
    int n = x.rows();
    boolean ntk = p == Parameterization.NTK;
    double w2 = W_STD * W_STD;
    double b2 = B_STD * B_STD;
    Matrix nngp = Matrix.zeros(n, n);
    Matrix theta = Matrix.zeros(n, n);
    for (int draw = 0; draw < draws; draw++) {
      Matrix[] pre = new Matrix[depth];
      Matrix[] post = new Matrix[depth + 1];
      Matrix[] weights = new Matrix[depth];
      post[0] = x;
      for (int l = 0; l < depth; l++) {
        int nIn = post[l].cols();
        Matrix w = gaussian(random, nIn, width);
        Blas.scale(w, W_STD / Math.sqrt(nIn));
        weights[l] = w;
        Matrix z = Matrix.zeros(n, width);
        for (int j = 0; j < width; j++) {
          double b = B_STD * random.nextGaussian();
          for (int i = 0; i < n; i++) {
            z.set(i, j, b);
          }
        }
        Blas.gemm(1.0, post[l], false, w, false, 1.0, z);
        pre[l] = z;
        Matrix a = Matrix.zeros(n, width);
        for (int i = 0; i < a.data().length; i++) {
          a.data()[i] = act.apply(z.data()[i]);
        }
        post[l + 1] = a;
      }
      // Gradient scale of a layer's weights (times its input Gram) and bias.
      Matrix[] grams = new Matrix[depth + 1];
      for (int l = 0; l <= depth; l++) {
        grams[l] = Blas.multiply(post[l], false, post[l], true);
      }
      double readout = w2 / width; // E[w_out²] of the effective readout weights
      double[] layerOne = depth == 2 ? layerOneSums(act, pre, weights[1], width) : null;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double k = readout * grams[depth].get(i, j) + b2;
          double t = (ntk ? readout * grams[depth].get(i, j) + b2 : grams[depth].get(i, j) + 1.0);
          // δ_L·δ_L' averaged over outputs = readout·Σ φ'(z_L)φ'(z_L').
          double[] dl = derivatives(act, pre[depth - 1], i);
          double[] dr = derivatives(act, pre[depth - 1], j);
          double deltaTop = 0;
          for (int u = 0; u < width; u++) {
            deltaTop += dl[u] * dr[u];
          }
          deltaTop *= readout;
          t += deltaTop * inputTerm(ntk, grams[depth - 1].get(i, j), post[depth - 1].cols());
          if (depth == 2) {
            t += readout * layerOne[i * n + j] * inputTerm(ntk, grams[0].get(i, j), DIM);
          }
          nngp.set(i, j, nngp.get(i, j) + k / draws);
          theta.set(i, j, theta.get(i, j) + t / draws);
        }
      }
    }
    return new Matrix[] {nngp, theta};
  }

  /**
   * For every pair (i, j): Σ_a φ'(z₁ₐ(xᵢ))φ'(z₁ₐ(xⱼ)) Σ_b W₂[a, b]² φ'(z₂ᵦ(xᵢ))φ'(z₂ᵦ(xⱼ)), the
   * output-averaged δ₁·δ₁' up to the readout variance (δ₁ₐ = φ'(z₁ₐ)·Σ_b W₂[a, b]·δ₂ᵦ, and only the
   * diagonal of the readout covariance survives the average).
   */
  private static double[] layerOneSums(Nonlinearity act, Matrix[] pre, Matrix w, int width) {
    int n = pre[0].rows();
    Matrix squares = w.copy();
    for (int i = 0; i < squares.data().length; i++) {
      squares.data()[i] *= squares.data()[i];
    }
    Matrix top = Matrix.zeros(width, n * n);
    for (int i = 0; i < n; i++) {
      double[] dl = derivatives(act, pre[1], i);
      for (int j = 0; j < n; j++) {
        double[] dr = derivatives(act, pre[1], j);
        for (int b = 0; b < width; b++) {
          top.set(b, i * n + j, dl[b] * dr[b]);
        }
      }
    }
    Matrix propagated = Blas.multiply(squares, top);
    double[] out = new double[n * n];
    for (int i = 0; i < n; i++) {
      double[] el = derivatives(act, pre[0], i);
      for (int j = 0; j < n; j++) {
        double[] er = derivatives(act, pre[0], j);
        double g = 0;
        for (int a = 0; a < width; a++) {
          g += el[a] * er[a] * propagated.get(a, i * n + j);
        }
        out[i * n + j] = g;
      }
    }
    return out;
  }

  /** The weight-and-bias gradient factor of a layer whose input Gram entry is {@code gram}. */
  private static double inputTerm(boolean ntk, double gram, int nIn) {
    return ntk ? W_STD * W_STD * gram / nIn + B_STD * B_STD : gram + 1.0;
  }

  private static double[] derivatives(Nonlinearity act, Matrix z, int row) {
    double[] out = new double[z.cols()];
    for (int u = 0; u < out.length; u++) {
      out[u] = act.derivative(z.get(row, u));
    }
    return out;
  }

  static Matrix gaussian(SplittableRandom random, int rows, int cols) {
    double[] d = new double[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextGaussian();
    }
    return new Matrix(rows, cols, d);
  }

  static double relativeFrobenius(Matrix estimate, Matrix exact) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < exact.data().length; i++) {
      double e = estimate.data()[i] - exact.data()[i];
      num += e * e;
      den += exact.data()[i] * exact.data()[i];
    }
    return Math.sqrt(num / den);
  }
}
