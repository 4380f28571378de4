package dev.widescan.workers.finite;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import java.util.SplittableRandom;

/**
 * Kernels of finite networks, to compare with the analytic infinite-width ones ({@code
 * NeuralKernels.fc}) on the same inputs, which the same spec's network converges to as the width
 * grows (error ~ 1/√width).
 *
 * <p>Both kernels have one entry per pair of inputs, not per pair of outputs: a fully-connected
 * network's infinite-width kernels are diagonal over its k outputs, with the same block on every
 * output, so the k diagonal blocks are averaged (the normalized trace over the output axis, what
 * neural-tangents' empirical and Monte-Carlo kernel functions return with their default {@code
 * trace_axes=(-1,)}). At finite width the off-diagonal output blocks are not exactly 0; they are
 * left out.
 */
public final class EmpiricalKernels {
  private EmpiricalKernels() {}

  /**
   * The empirical NTK of one network, Θ(x, x') = (1/k) Σ_c Σ_θ ∂f_c(x)/∂θ · ∂f_c(x')/∂θ (Jacot et
   * al. 2018), summed over every weight and bias. It is computed without forming the Jacobian: with
   * A_{l−1}(x) a layer's input and Δ_l^c(x) = ∂f_c(x)/∂Z_l its backpropagated output derivative
   * (for output c),
   *
   * <pre>
   *   Θ = Σ_l (α_l²·A_{l−1}(X₁)·A_{l−1}(X₂)ᵀ + β²) ⊙ (1/k)·Σ_c Δ_l^c(X₁)·Δ_l^c(X₂)ᵀ,
   * </pre>
   *
   * α_l, β the layer's weight and bias factors ({@link FcNetwork}). In standard parameterization
   * the result grows with the width, as the analytic standard-parameterization NTK does.
   *
   * @param x1 n₁ × d
   * @param x2 n₂ × d
   * @return n₁ × n₂
   */
  public static Matrix ntk(FcNetwork net, Matrix x1, Matrix x2) {
    FcSpec spec = net.spec();
    net.checkInputs(x1);
    net.checkInputs(x2);
    int layers = spec.depth() + 1;
    int k = spec.outputs();
    FcNetwork.Forward f1 = net.forward(x1);
    FcNetwork.Forward f2 = x1 == x2 ? f1 : net.forward(x2);
    Matrix[] deltaProducts = new Matrix[layers];
    for (int l = 0; l < layers; l++) {
      deltaProducts[l] = Matrix.zeros(x1.rows(), x2.rows());
    }
    Matrix[] d1 = new Matrix[layers];
    Matrix[] d2 = new Matrix[layers];
    for (int c = 0; c < k; c++) {
      net.backward(f1, unit(x1.rows(), k, c), null, d1);
      Matrix[] other = d1;
      if (f2 != f1) {
        net.backward(f2, unit(x2.rows(), k, c), null, d2);
        other = d2;
      }
      for (int l = 0; l < layers; l++) {
        Blas.gemm(1.0 / k, d1[l], false, other[l], true, 1.0, deltaProducts[l]);
      }
    }
    Matrix theta = Matrix.zeros(x1.rows(), x2.rows());
    double[] t = theta.data();
    double beta2 = net.biasScale() * net.biasScale();
    for (int l = 0; l < layers; l++) {
      double alpha = net.weightScale(l);
      Matrix features = Matrix.zeros(x1.rows(), x2.rows());
      Blas.gemm(alpha * alpha, f1.inputs()[l], false, f2.inputs()[l], true, 0.0, features);
      double[] a = features.data();
      double[] d = deltaProducts[l].data();
      for (int i = 0; i < t.length; i++) {
        t[i] += (a[i] + beta2) * d[i];
      }
    }
    return theta;
  }

  /**
   * A Monte-Carlo estimate of the NNGP kernel (Novak et al. 2019, "Bayesian Deep Convolutional
   * Networks with Many Channels are Gaussian Processes"; neural-tangents' {@code
   * monte_carlo_kernel_fn}): the output covariance over random initializations,
   *
   * <pre>  K̂(x, x') = (1/S) Σ_s (1/k) Σ_c f_c^(s)(x)·f_c^(s)(x'),</pre>
   *
   * with no mean subtracted (the mean of f over initializations is 0). Draw s is {@code
   * FcNetwork.initialize(spec, seed_s)}, the seeds taken in turn from {@code new
   * SplittableRandom(seed)}. Its error has a sampling part ~ 1/√(S·k) and a finite-width bias ~
   * 1/width.
   *
   * @param samples S ≥ 1
   * @return n₁ × n₂
   */
  public static Matrix nngp(FcSpec spec, Matrix x1, Matrix x2, int samples, long seed) {
    if (samples < 1) {
      throw new IllegalArgumentException("need at least one sample, got " + samples);
    }
    SplittableRandom seeds = new SplittableRandom(seed);
    Matrix sum = Matrix.zeros(x1.rows(), x2.rows());
    double scale = 1.0 / ((double) samples * spec.outputs());
    for (int s = 0; s < samples; s++) {
      FcNetwork net = FcNetwork.initialize(spec, seeds.nextLong());
      Matrix f1 = net.apply(x1);
      Matrix f2 = x1 == x2 ? f1 : net.apply(x2);
      Blas.gemm(scale, f1, false, f2, true, 1.0, sum);
    }
    return sum;
  }

  /** Rows × k with 1 in column c of every row. */
  private static Matrix unit(int rows, int k, int c) {
    Matrix g = Matrix.zeros(rows, k);
    double[] d = g.data();
    for (int r = 0; r < rows; r++) {
      d[r * k + c] = 1.0;
    }
    return g;
  }
}
