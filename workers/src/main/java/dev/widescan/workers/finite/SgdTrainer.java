package dev.widescan.workers.finite;

import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.linalg.Matrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Minibatch stochastic gradient descent with heavy-ball momentum and L2 weight decay (the update
 * {@link TrainingConfig} documents), on MSE or softmax cross-entropy.
 *
 * <p>Each epoch shuffles the training rows (Fisher–Yates, from {@code new Random(seed)} drawn on
 * across epochs) and walks them in batches; the last batch of an epoch may be smaller and is
 * normalized by its own size. Full-batch training (batch ≥ n) does not shuffle. With μ = 0, no
 * weight decay and a full batch this is gradient descent, whose t/η steps follow the NTK gradient
 * flow at time t for a wide NTK-parameterized network under MSE (Lee et al. 2019).
 *
 * <p>A run is reproducible bit for bit from the initial network, the data and the config, given the
 * same OpenBLAS build and thread count (the products' summation order depends on the thread split).
 */
public final class SgdTrainer {
  private final TrainingConfig config;

  public SgdTrainer(TrainingConfig config) {
    this.config = config;
  }

  public TrainingConfig config() {
    return config;
  }

  /**
   * Initializes a network from {@code spec} with {@code initSeed} and trains it; the seed is kept
   * in the result's provenance.
   */
  public TrainingRun run(FcSpec spec, long initSeed, Examples train, Examples test) {
    return run(FcNetwork.initialize(spec, initSeed), Optional.of(initSeed), train, test);
  }

  /**
   * Trains a copy of {@code initial}. Never throws for a diverging run: the result says "diverged
   * at step s" instead.
   *
   * @param initial the network to start from; not changed
   * @param train training examples (targets fit for the loss: one-hot rows for cross-entropy)
   * @param test examples to score on the curve and at the end, or null
   * @throws IllegalArgumentException for shapes that do not fit the network or unusable targets
   */
  public TrainingRun run(FcNetwork initial, Examples train, Examples test) {
    return run(initial, Optional.empty(), train, test);
  }

  private TrainingRun run(
      FcNetwork initial, Optional<Long> initSeed, Examples train, Examples test) {
    long start = System.nanoTime();
    FcSpec spec = initial.spec();
    check(spec, train, "training");
    if (test != null) {
      check(spec, test, "test");
    }
    if (train.size() == 0) {
      throw new IllegalArgumentException("no training examples");
    }
    double[] decay = config.weightDecayMode().coefficients(spec, config.weightDecay());
    FcNetwork net = initial.copy();
    Matrix x = train.x();
    Matrix y = train.y();
    int n = x.rows();
    int k = spec.outputs();
    int batch = Math.min(config.batchSize(), n);
    long total = config.budget().steps(n, batch);
    Matrix f0Train = config.centred() ? initial.apply(x) : null;
    Matrix f0Test = test == null ? null : initial.apply(test.x());
    Matrix testOffset = config.centred() ? f0Test : null;

    List<CurvePoint> curve = new ArrayList<>();
    CurvePoint first = measure(net, 0, train, f0Train, test, testOffset);
    curve.add(first);
    double limit = config.divergenceFactor() * Math.max(first.trainLoss(), 1.0);
    Divergence divergence = null;
    if (!Double.isFinite(first.trainLoss())) {
      divergence =
          diverged(0, total, first.trainLoss(), "the initial network's loss is not finite");
    }

    double[][] theta = net.parameterBlocks();
    double[][] grad = net.newGradientBlocks();
    double[][] velocity = null;
    if (config.momentum() > 0) {
      velocity = net.newGradientBlocks();
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random rng = new Random(config.seed());
    double lr = config.learningRate();
    double mu = config.momentum();
    int pos = n;
    long trainNanos = 0;
    long step = 0;
    while (divergence == null && step < total) {
      long t0 = System.nanoTime();
      step++;
      Matrix xb;
      Matrix yb;
      Matrix ob;
      if (batch < n) {
        if (pos >= n) {
          shuffle(order, rng);
          pos = 0;
        }
        int end = Math.min(n, pos + batch);
        xb = gather(x, order, pos, end);
        yb = gather(y, order, pos, end);
        ob = f0Train == null ? null : gather(f0Train, order, pos, end);
        pos = end;
      } else {
        xb = x;
        yb = y;
        ob = f0Train;
      }
      FcNetwork.Forward fw = net.forward(xb);
      Matrix g = Matrix.zeros(xb.rows(), k);
      double loss =
          config
              .loss()
              .evaluate(
                  fw.output().data(),
                  ob == null ? null : ob.data(),
                  yb.data(),
                  xb.rows(),
                  k,
                  g.data());
      if (!Double.isFinite(loss) || loss > limit) {
        trainNanos += System.nanoTime() - t0;
        divergence =
            diverged(
                step,
                total,
                loss,
                Double.isFinite(loss)
                    ? String.format(
                        Locale.ROOT,
                        "above %.3g × max(initial loss %.6g, 1)",
                        config.divergenceFactor(),
                        first.trainLoss())
                    : "not finite");
        break;
      }
      net.backward(fw, g, grad, null);
      update(theta, grad, velocity, decay, lr, mu);
      trainNanos += System.nanoTime() - t0;
      boolean last = step == total;
      if (last || (config.curveEvery() > 0 && step % config.curveEvery() == 0)) {
        CurvePoint p = measure(net, step, train, f0Train, test, testOffset);
        if (!Double.isFinite(p.trainLoss())) {
          divergence = diverged(step, total, p.trainLoss(), "not finite after the update");
        } else {
          curve.add(p);
        }
      }
    }

    Optional<Matrix> testOutputs = Optional.empty();
    Optional<Evaluation> testScores = Optional.empty();
    if (test != null && divergence == null) {
      Matrix f = net.apply(test.x());
      testOutputs = Optional.of(f);
      testScores =
          Optional.of(
              Evaluation.of(
                  centre(f.copy(), config.centred() ? f0Test : null), test, config.loss()));
    }
    return new TrainingRun(
        config,
        initSeed,
        net,
        step,
        List.copyOf(curve),
        Optional.ofNullable(divergence),
        Optional.ofNullable(f0Test),
        testOutputs,
        testScores,
        trainNanos / 1e9,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Trains a copy of {@code initial} on rows of {@code x} with targets {@code y} by this trainer's
   * config, recording the training loss after every epoch.
   *
   * @param initial the network to start from; not changed
   * @param x training inputs, n × inputs
   * @param y training targets, n × outputs
   * @throws TrainingDivergedException if a loss or the parameters stop being finite
   * @deprecated use {@link #run(FcNetwork, Examples, Examples)}, which reports a divergence in its
   *     result
   */
  @Deprecated
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
    int epochs = (int) config.budget().count();
    long perEpoch = Budget.epochs(1).steps(x.rows(), config.batchSize());
    TrainingRun run =
        new SgdTrainer(config.withCurveEvery(perEpoch))
            .run(initial, new Examples(x, y, null), null);
    if (run.diverged()) {
      Divergence d = run.divergence().orElseThrow();
      int epoch = (int) Math.max(1, (d.step() + perEpoch - 1) / perEpoch);
      throw new TrainingDivergedException(
          epoch, epochs, (int) d.step(), config.learningRate(), d.loss());
    }
    List<CurvePoint> curve = run.curve();
    double[] perEpochLoss = new double[curve.size() - 1];
    for (int i = 1; i < curve.size(); i++) {
      perEpochLoss[i - 1] = curve.get(i).trainLoss();
    }
    return new TrainingResult(run.network(), perEpochLoss);
  }

  /**
   * Targets that train the centred network g_θ(x) = f_θ(x) − f_θ₀(x) (Lee et al. 2020, "Finite
   * versus infinite neural networks: an empirical study", §3): since f_θ₀ is fixed, ∂/∂θ Σ (g_θ −
   * y)² = ∂/∂θ Σ (f_θ − (y + f_θ₀))², so training f_θ on y + f_θ₀(X) from θ₀ is training g_θ on y
   * from g_θ₀ = 0. Predict with f_θ(x) − f_θ₀(x) afterwards. Subtracting f₀ only after training on
   * y instead leaves −f₀(X)'s regression in the prediction, which is noise. ({@link
   * TrainingConfig#centred()} does this for any loss.)
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

  private static void update(
      double[][] theta,
      double[][] grad,
      double[][] velocity,
      double[] decay,
      double lr,
      double mu) {
    for (int b = 0; b < theta.length; b++) {
      double[] p = theta[b];
      double[] d = grad[b];
      double c = decay[b];
      if (velocity == null) {
        for (int i = 0; i < p.length; i++) {
          p[i] -= lr * (d[i] + c * p[i]);
        }
      } else {
        double[] v = velocity[b];
        for (int i = 0; i < p.length; i++) {
          v[i] = mu * v[i] + d[i] + c * p[i];
          p[i] -= lr * v[i];
        }
      }
    }
  }

  private CurvePoint measure(
      FcNetwork net, long step, Examples train, Matrix f0Train, Examples test, Matrix f0Test) {
    double[] trainScores = score(net, train, f0Train);
    double[] testScores =
        test == null ? new double[] {Double.NaN, Double.NaN} : score(net, test, f0Test);
    return new CurvePoint(
        step,
        config.learningRate() * step,
        trainScores[0],
        trainScores[1],
        testScores[0],
        testScores[1]);
  }

  /** {loss, accuracy} of f − offset on a set. */
  private double[] score(FcNetwork net, Examples set, Matrix offset) {
    if (set.size() == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    Matrix f = net.apply(set.x());
    double loss =
        config
            .loss()
            .evaluate(
                f.data(),
                offset == null ? null : offset.data(),
                set.y().data(),
                f.rows(),
                f.cols(),
                null);
    double accuracy = Double.NaN;
    if (set.labels() != null && Double.isFinite(loss)) {
      accuracy = Metrics.accuracy(centre(f, offset), set.labels());
    }
    return new double[] {loss, accuracy};
  }

  /** f − offset, in place on f (offset may be null). */
  private static Matrix centre(Matrix f, Matrix offset) {
    if (offset != null) {
      double[] fd = f.data();
      double[] od = offset.data();
      for (int i = 0; i < fd.length; i++) {
        fd[i] -= od[i];
      }
    }
    return f;
  }

  private Divergence diverged(long step, long total, double loss, String why) {
    return new Divergence(
        step,
        loss,
        String.format(
            Locale.ROOT,
            "diverged at step %d of %d: loss = %s (%s) at learning rate %s; a smaller learning rate"
                + " may converge",
            step,
            total,
            loss,
            why,
            config.learningRate()));
  }

  private void check(FcSpec spec, Examples set, String what) {
    if (set.x().cols() != spec.inputs() || set.y().cols() != spec.outputs()) {
      throw new IllegalArgumentException(
          "network maps "
              + spec.inputs()
              + " inputs to "
              + spec.outputs()
              + " outputs; got "
              + what
              + " inputs "
              + set.x().shape()
              + " and targets "
              + set.y().shape());
    }
    if (config.loss() == Loss.CROSS_ENTROPY) {
      double[] t = set.y().data();
      int k = spec.outputs();
      for (int r = 0; r < set.size(); r++) {
        double s = 0;
        boolean negative = false;
        for (int c = 0; c < k; c++) {
          s += t[r * k + c];
          negative |= t[r * k + c] < 0;
        }
        if (negative || Math.abs(s - 1) > 1e-9) {
          throw new IllegalArgumentException(
              "cross-entropy needs "
                  + what
                  + " targets that are probability rows (one-hot with shift 0); row "
                  + r
                  + " sums to "
                  + s
                  + (negative ? " and has a negative entry" : ""));
        }
      }
    }
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
