package dev.widescan.workers.finite;

import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import java.util.Random;

/**
 * A finite fully-connected network (see {@link FcSpec}) with its parameters, forward and backward
 * pass. Inputs and outputs are batches, one example per row.
 *
 * <p>Dense layer l maps activations A (B × N_in) to pre-activations
 *
 * <pre>
 *   Z = α_l·A·W_l + β·1·b_lᵀ        (W_l: N_in × N_out, b_l: N_out)
 *   NTK:      α_l = W_std/√N_in, β = b_std,  W, b ~ N(0, 1)
 *   STANDARD: α_l = 1,           β = 1,      W ~ N(0, W_std²/N_in), b ~ N(0, b_std²)
 * </pre>
 *
 * as {@link Parameterization} documents; hidden layers apply the activation φ to Z, the readout
 * does not. Every layer has a bias; with b_std = 0 it stays inert under NTK parameterization and
 * starts at 0 (but is trained) under standard parameterization, as neural-tangents' {@code
 * Dense(b_std=0.)} does.
 *
 * <p>Parameters live in {@link #parameterBlocks()}, in the order W_0, b_0, W_1, b_1, …, W_depth,
 * b_depth, each W row-major N_in × N_out. The network is mutable (an optimizer updates the blocks
 * in place); {@link #copy()} keeps a snapshot, e.g. of f₀ for centred predictions.
 */
public final class FcNetwork {
  private final FcSpec spec;
  private final Matrix[] weights;
  private final double[][] biases;

  private FcNetwork(FcSpec spec, Matrix[] weights, double[][] biases) {
    this.spec = spec;
    this.weights = weights;
    this.biases = biases;
  }

  /**
   * A freshly initialized network: W and b drawn in block order from {@code new Random(seed)}'s
   * {@code nextGaussian()} (whose algorithm the JDK specifies, so a seed means the same network on
   * every JVM), scaled by the initialization standard deviation of the parameterization.
   */
  public static FcNetwork initialize(FcSpec spec, long seed) {
    Random rng = new Random(seed);
    int layers = spec.depth() + 1;
    Matrix[] w = new Matrix[layers];
    double[][] b = new double[layers][];
    boolean ntk = spec.parameterization() == Parameterization.NTK;
    for (int l = 0; l < layers; l++) {
      int in = spec.fanIn(l);
      int out = spec.fanOut(l);
      double wInit = ntk ? 1.0 : spec.wStd() / Math.sqrt(in);
      double bInit = ntk ? 1.0 : spec.bStd();
      w[l] = Matrix.zeros(in, out);
      double[] wd = w[l].data();
      for (int i = 0; i < wd.length; i++) {
        wd[i] = wInit * rng.nextGaussian();
      }
      b[l] = new double[out];
      for (int i = 0; i < out; i++) {
        b[l][i] = bInit * rng.nextGaussian();
      }
    }
    return new FcNetwork(spec, w, b);
  }

  public FcSpec spec() {
    return spec;
  }

  /** An independent copy with the same parameters. */
  public FcNetwork copy() {
    Matrix[] w = new Matrix[weights.length];
    double[][] b = new double[biases.length][];
    for (int l = 0; l < w.length; l++) {
      w[l] = weights[l].copy();
      b[l] = biases[l].clone();
    }
    return new FcNetwork(spec, w, b);
  }

  /**
   * The live parameter arrays W_0, b_0, …, W_depth, b_depth (W row-major N_in × N_out). Writing to
   * them changes the network.
   */
  public double[][] parameterBlocks() {
    double[][] blocks = new double[2 * weights.length][];
    for (int l = 0; l < weights.length; l++) {
      blocks[2 * l] = weights[l].data();
      blocks[2 * l + 1] = biases[l];
    }
    return blocks;
  }

  /** The number of trainable parameters. */
  public int parameterCount() {
    int n = 0;
    for (double[] block : parameterBlocks()) {
      n += block.length;
    }
    return n;
  }

  /** All parameters concatenated in block order (a copy). */
  public double[] flatParameters() {
    return flatten(parameterBlocks(), parameterCount());
  }

  /** Overwrites all parameters from a flat array in block order. */
  public void setFlatParameters(double[] theta) {
    if (theta.length != parameterCount()) {
      throw new IllegalArgumentException(
          "network has " + parameterCount() + " parameters, got " + theta.length);
    }
    int off = 0;
    for (double[] block : parameterBlocks()) {
      System.arraycopy(theta, off, block, 0, block.length);
      off += block.length;
    }
  }

  /** The network's outputs f(X), B × outputs, for inputs X (B × inputs). */
  public Matrix apply(Matrix x) {
    checkInputs(x);
    Matrix a = x;
    for (int l = 0; l <= spec.depth(); l++) {
      Matrix z = dense(l, a);
      if (l < spec.depth()) {
        activate(z.data(), z.data());
      }
      a = z;
    }
    return a;
  }

  /** L = Σ (f − y)² / (2·B·k) over a batch of B rows and k outputs. */
  public double loss(Matrix x, Matrix y) {
    return loss(x, y, Loss.MSE);
  }

  /** The data loss of this network's outputs on inputs {@code x} against targets {@code y}. */
  public double loss(Matrix x, Matrix y, Loss loss) {
    checkTargets(x, y);
    return loss.evaluate(apply(x).data(), null, y.data(), x.rows(), spec.outputs(), null);
  }

  /**
   * The MSE loss L = Σ_{i,c} (f_ic − y_ic)² / (2·B·k) on a batch and its gradient with respect to
   * every parameter, by backpropagation; see {@link #lossAndGradient(Matrix, Matrix, Loss)}.
   */
  public Gradient lossAndGradient(Matrix x, Matrix y) {
    return lossAndGradient(x, y, Loss.MSE);
  }

  /**
   * A loss on a batch and its gradient with respect to every parameter, by backpropagation. With
   * G_depth = ∂L/∂f (see {@link Loss}; for MSE (f − y)/(B·k), neural-tangents' normalization, under
   * which gradient descent for t/lr steps at learning rate lr tracks the kernel's gradient flow at
   * time t):
   *
   * <pre>
   *   ∂L/∂W_l = α_l·A_{l−1}ᵀ·G_l,    ∂L/∂b_l = β·Σ_rows G_l
   *   G_{l−1} = (α_l·G_l·W_lᵀ) ⊙ φ′(Z_{l−1})
   * </pre>
   *
   * @param x inputs, B × inputs
   * @param y targets, B × outputs
   */
  public Gradient lossAndGradient(Matrix x, Matrix y, Loss loss) {
    checkTargets(x, y);
    Forward fw = forward(x);
    Matrix g = Matrix.zeros(x.rows(), spec.outputs());
    double value =
        loss.evaluate(fw.output().data(), null, y.data(), x.rows(), spec.outputs(), g.data());
    double[][] blocks = newGradientBlocks();
    backward(fw, g, blocks, null);
    return new Gradient(value, blocks);
  }

  /** Zeroed arrays shaped like {@link #parameterBlocks()}. */
  double[][] newGradientBlocks() {
    double[][] blocks = new double[2 * weights.length][];
    for (int l = 0; l < weights.length; l++) {
      blocks[2 * l] = new double[weights[l].data().length];
      blocks[2 * l + 1] = new double[biases[l].length];
    }
    return blocks;
  }

  /** A forward pass that keeps what backpropagation needs. */
  record Forward(Matrix[] inputs, Matrix[] pre) {
    /** f(X), the readout's pre-activation. */
    Matrix output() {
      return pre[pre.length - 1];
    }
  }

  /** The forward pass, keeping each layer's input A_{l−1} and pre-activation Z_l. */
  Forward forward(Matrix x) {
    checkInputs(x);
    int layers = spec.depth() + 1;
    Matrix[] inputs = new Matrix[layers];
    Matrix[] pre = new Matrix[layers];
    Matrix a = x;
    for (int l = 0; l < layers; l++) {
      inputs[l] = a;
      pre[l] = dense(l, a);
      if (l < spec.depth()) {
        a = Matrix.zeros(pre[l].rows(), pre[l].cols());
        activate(pre[l].data(), a.data());
      }
    }
    return new Forward(inputs, pre);
  }

  /**
   * Backpropagates G_depth = ∂L/∂f (B × outputs) through a forward pass.
   *
   * @param into if not null, overwritten with ∂L/∂θ in block order (arrays shaped like {@link
   *     #parameterBlocks()})
   * @param deltas if not null (length depth + 1), receives G_l = ∂L/∂Z_l for every layer l
   */
  void backward(Forward fw, Matrix outputGradient, double[][] into, Matrix[] deltas) {
    int layers = spec.depth() + 1;
    Matrix g = outputGradient;
    for (int l = layers - 1; l >= 0; l--) {
      if (deltas != null) {
        deltas[l] = g;
      }
      if (into != null) {
        Matrix dw = new Matrix(spec.fanIn(l), spec.fanOut(l), into[2 * l]);
        Blas.gemm(weightScale(l), fw.inputs()[l], true, g, false, 0.0, dw);
        double[] db = into[2 * l + 1];
        java.util.Arrays.fill(db, 0.0);
        double[] gd = g.data();
        int cols = g.cols();
        for (int r = 0; r < g.rows(); r++) {
          int o = r * cols;
          for (int c = 0; c < cols; c++) {
            db[c] += gd[o + c];
          }
        }
        double beta = biasScale();
        for (int c = 0; c < cols; c++) {
          db[c] *= beta;
        }
      }
      if (l > 0) {
        Matrix below = Matrix.zeros(g.rows(), spec.fanIn(l));
        Blas.gemm(weightScale(l), g, false, weights[l], true, 0.0, below);
        double[] bd = below.data();
        double[] z = fw.pre()[l - 1].data();
        Activation phi = spec.activation();
        for (int i = 0; i < bd.length; i++) {
          bd[i] *= phi.derivative(z[i]);
        }
        g = below;
      }
    }
  }

  /**
   * A loss and its gradient, in the block order of {@link #parameterBlocks()}.
   *
   * @param loss the data loss on the batch (see {@link Loss})
   * @param blocks ∂L/∂W_0, ∂L/∂b_0, …, ∂L/∂W_depth, ∂L/∂b_depth
   */
  public record Gradient(double loss, double[][] blocks) {
    /** The gradient concatenated in block order. */
    public double[] flat() {
      int n = 0;
      for (double[] b : blocks) {
        n += b.length;
      }
      return flatten(blocks, n);
    }
  }

  /** α_l: the factor in front of A·W_l. */
  double weightScale(int layer) {
    return spec.parameterization() == Parameterization.NTK
        ? spec.wStd() / Math.sqrt(spec.fanIn(layer))
        : 1.0;
  }

  /** β: the factor in front of b_l. */
  double biasScale() {
    return spec.parameterization() == Parameterization.NTK ? spec.bStd() : 1.0;
  }

  private Matrix dense(int layer, Matrix a) {
    Matrix z = Matrix.zeros(a.rows(), spec.fanOut(layer));
    double[] zd = z.data();
    double[] b = biases[layer];
    double beta = biasScale();
    int cols = b.length;
    for (int r = 0; r < a.rows(); r++) {
      for (int c = 0; c < cols; c++) {
        zd[r * cols + c] = beta * b[c];
      }
    }
    Blas.gemm(weightScale(layer), a, false, weights[layer], false, 1.0, z);
    return z;
  }

  private void activate(double[] z, double[] out) {
    Activation phi = spec.activation();
    for (int i = 0; i < z.length; i++) {
      out[i] = phi.apply(z[i]);
    }
  }

  void checkInputs(Matrix x) {
    if (x.cols() != spec.inputs()) {
      throw new IllegalArgumentException(
          "network takes " + spec.inputs() + " inputs, got a " + x.shape() + " batch");
    }
  }

  void checkTargets(Matrix x, Matrix y) {
    checkInputs(x);
    if (y.rows() != x.rows() || y.cols() != spec.outputs()) {
      throw new IllegalArgumentException(
          "targets for a "
              + x.shape()
              + " batch must be "
              + x.rows()
              + "x"
              + spec.outputs()
              + ", got "
              + y.shape());
    }
  }

  private static double[] flatten(double[][] blocks, int n) {
    double[] out = new double[n];
    int off = 0;
    for (double[] b : blocks) {
      System.arraycopy(b, 0, out, off, b.length);
      off += b.length;
    }
    return out;
  }

  @Override
  public String toString() {
    return "FcNetwork" + spec + " with " + parameterCount() + " parameters";
  }
}
