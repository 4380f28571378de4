package dev.widescan.workers.finite;

import dev.widescan.workers.linalg.Matrix;
import java.util.Random;

/**
 * Minibatch stochastic gradient descent with heavy-ball momentum and L2 weight decay on the MSE
 * loss L = Σ (f − y)² / (2·B·k) of {@link FcNetwork#lossAndGradient}.
 *
 * <p>Each epoch shuffles the training rows (Fisher–Yates, from {@code new Random(seed)} drawn on
 * across epochs) and walks them in batches of {@code batchSize}; the last batch of an epoch may be
 * smaller and is normalized by its own size. Every step, for every parameter θ (weights and biases
 * alike):
 *
 * <pre>
 *   g ← ∂L/∂θ + λ·θ          (weight decay λ: the gradient of (λ/2)·‖θ‖²)
 *   v ← μ·v + g              (v starts at 0)
 *   θ ← θ − η·v
 * </pre>
 *
 * <p>With μ = 0 this is plain SGD, and with a full batch gradient descent, whose t/η steps follow
 * the NTK gradient flow at time t for a wide NTK-parameterized network.
 */
public final class SgdTrainer {
  private final SgdConfig config;

  public SgdTrainer(SgdConfig config) {
    this.config = config;
  }

  public SgdConfig config() {
    return config;
  }

  /**
   * Trains a copy of {@code initial} on rows of {@code x} with targets {@code y}.
   *
   * @param initial the network to start from; not changed
   * @param x training inputs, n × inputs
   * @param y training targets, n × outputs
   * @throws TrainingDivergedException if a loss or the parameters stop being finite
   */
  public TrainingResult train(FcNetwork initial, Matrix x, Matrix y) {
    FcSpec spec = initial.spec();
    if (x.cols() != spec.inputs() || y.rows() != x.rows() || y.cols() != spec.outputs()) {
      throw new IllegalArgumentException(
          "network maps "
              + spec.inputs()
              + " inputs to "
              + spec.outputs()
              + " outputs; got inputs "
              + x.shape()
              + " and targets "
              + y.shape());
    }
    if (x.rows() == 0) {
      throw new IllegalArgumentException("no training examples");
    }
    FcNetwork net = initial.copy();
    double[][] theta = net.parameterBlocks();
    double[][] velocity = new double[theta.length][];
    for (int i = 0; i < theta.length; i++) {
      velocity[i] = new double[theta[i].length];
    }
    int n = x.rows();
    int batch = Math.min(config.batchSize(), n);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random rng = new Random(config.seed());
    double lr = config.learningRate();
    double mu = config.momentum();
    double wd = config.weightDecay();
    double[] lossPerEpoch = new double[config.epochs()];
    int step = 0;
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      shuffle(order, rng);
      for (int start = 0; start < n; start += batch) {
        int end = Math.min(n, start + batch);
        step++;
        FcNetwork.Gradient g =
            net.lossAndGradient(gather(x, order, start, end), gather(y, order, start, end));
        if (!Double.isFinite(g.loss())) {
          throw new TrainingDivergedException(epoch, config.epochs(), step, lr, g.loss());
        }
        for (int b = 0; b < theta.length; b++) {
          double[] p = theta[b];
          double[] v = velocity[b];
          double[] d = g.blocks()[b];
          for (int i = 0; i < p.length; i++) {
            v[i] = mu * v[i] + d[i] + wd * p[i];
            p[i] -= lr * v[i];
          }
        }
      }
      double loss = net.loss(x, y);
      if (!Double.isFinite(loss)) {
        throw new TrainingDivergedException(epoch, config.epochs(), step, lr, loss);
      }
      lossPerEpoch[epoch - 1] = loss;
    }
    return new TrainingResult(net, lossPerEpoch);
  }

  /**
   * Targets that train the centred network g_θ(x) = f_θ(x) − f_θ₀(x) (Lee et al. 2020, "Finite
   * versus infinite neural networks: an empirical study", §3): since f_θ₀ is fixed, ∂/∂θ Σ (g_θ −
   * y)² = ∂/∂θ Σ (f_θ − (y + f_θ₀))², so training f_θ on y + f_θ₀(X) from θ₀ is training g_θ on y
   * from g_θ₀ = 0. Predict with f_θ(x) − f_θ₀(x) afterwards. Subtracting f₀ only after training on
   * y instead leaves −f₀(X)'s regression in the prediction, which is noise.
   *
   * @param initial the network training starts from, θ₀
   * @param x training inputs
   * @param y training targets
   * @return y + f_θ₀(x), a new matrix
   */
  public static Matrix centredTargets(FcNetwork initial, Matrix x, Matrix y) {
    Matrix f0 = initial.apply(x);
    if (f0.rows() != y.rows() || f0.cols() != y.cols()) {
      throw new IllegalArgumentException(
          "targets must be " + f0.shape() + " for this network and batch, got " + y.shape());
    }
    double[] t = f0.data();
    double[] yd = y.data();
    for (int i = 0; i < t.length; i++) {
      t[i] += yd[i];
    }
    return f0;
  }

  private static void shuffle(int[] a, Random rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static Matrix gather(Matrix m, int[] order, int from, int to) {
    int c = m.cols();
    Matrix out = Matrix.zeros(to - from, c);
    double[] src = m.data();
    double[] dst = out.data();
    for (int r = from; r < to; r++) {
      System.arraycopy(src, order[r] * c, dst, (r - from) * c, c);
    }
    return out;
  }
}
