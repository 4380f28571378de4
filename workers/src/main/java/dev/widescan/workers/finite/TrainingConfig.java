package dev.widescan.workers.finite;

/**
 * Everything that determines a training run besides the initial network and the data. Build one
 * with {@link #sgd(double, Budget)} and the {@code with…} methods.
 *
 * <p>The update, for every parameter block θ with weight-decay coefficient c (see {@link
 * WeightDecay}):
 *
 * <pre>
 *   g ← ∂L/∂θ + c·θ          (L: the {@link Loss} on the minibatch)
 *   v ← μ·v + g              (v starts at 0; μ = 0 is plain SGD)
 *   θ ← θ − η·v
 * </pre>
 *
 * @param loss the training loss
 * @param learningRate η &gt; 0
 * @param momentum heavy-ball μ in [0, 1)
 * @param weightDecay λ ≥ 0
 * @param weightDecayMode how λ is spread over the layers
 * @param budget epochs or steps
 * @param batchSize examples per step, ≥ 1; {@link #FULL_BATCH} (or anything ≥ n) is full-batch
 *     gradient descent, which does not shuffle
 * @param seed seed of the per-epoch shuffles ({@code new Random(seed)}); the initial network has
 *     its own seed ({@link FcNetwork#initialize})
 * @param centred train the centred network g = f − f₀ instead of f (Lee et al. 2020, §3): f₀ is
 *     frozen at the initial parameters, so g starts at 0 and every loss, curve and prediction is of
 *     g
 * @param curveEvery record a {@link CurvePoint} every this many steps (and always at step 0 and at
 *     the end); 0 records only those two
 * @param divergenceFactor a step whose minibatch loss exceeds this factor times max(initial
 *     training loss, 1) ends the run as diverged (a non-finite loss always does)
 */
public record TrainingConfig(
    Loss loss,
    double learningRate,
    double momentum,
    double weightDecay,
    WeightDecay weightDecayMode,
    Budget budget,
    int batchSize,
    long seed,
    boolean centred,
    long curveEvery,
    double divergenceFactor) {

  /** A batch size that means "the whole training set". */
  public static final int FULL_BATCH = Integer.MAX_VALUE;

  /** The default {@link #divergenceFactor}. */
  public static final double DEFAULT_DIVERGENCE_FACTOR = 1e4;

  public TrainingConfig {
    if (loss == null || weightDecayMode == null || budget == null) {
      throw new IllegalArgumentException("loss, weight-decay mode and budget are required");
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate must be positive and finite, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weight decay must be finite and non-negative, got " + weightDecay);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
    }
    if (curveEvery < 0) {
      throw new IllegalArgumentException("curveEvery must be ≥ 0 steps, got " + curveEvery);
    }
    if (!(divergenceFactor > 1)) {
      throw new IllegalArgumentException(
          "divergence factor must be > 1 (or +infinity to check only for NaN/inf), got "
              + divergenceFactor);
    }
  }

  /**
   * Full-batch gradient descent on MSE at learning rate η for the given budget: no momentum, no
   * weight decay, seed 0, not centred, curve at start and end only.
   */
  public static TrainingConfig sgd(double learningRate, Budget budget) {
    return new TrainingConfig(
        Loss.MSE,
        learningRate,
        0.0,
        0.0,
        WeightDecay.PLAIN,
        budget,
        FULL_BATCH,
        0L,
        false,
        0,
        DEFAULT_DIVERGENCE_FACTOR);
  }

  public TrainingConfig withLoss(Loss loss) {
    return new TrainingConfig(
        loss,
        learningRate,
        momentum,
        weightDecay,
        weightDecayMode,
        budget,
        batchSize,
        seed,
        centred,
        curveEvery,
        divergenceFactor);
  }

  public TrainingConfig withMomentum(double momentum) {
    return new TrainingConfig(
        loss,
        learningRate,
        momentum,
        weightDecay,
        weightDecayMode,
        budget,
        batchSize,
        seed,
        centred,
        curveEvery,
        divergenceFactor);
  }

  public TrainingConfig withWeightDecay(double weightDecay, WeightDecay mode) {
    return new TrainingConfig(
        loss,
        learningRate,
        momentum,
        weightDecay,
        mode,
        budget,
        batchSize,
        seed,
        centred,
        curveEvery,
        divergenceFactor);
  }

  public TrainingConfig withBatchSize(int batchSize) {
    return new TrainingConfig(
        loss,
        learningRate,
        momentum,
        weightDecay,
        weightDecayMode,
        budget,
        batchSize,
        seed,
        centred,
        curveEvery,
        divergenceFactor);
  }

  public TrainingConfig withSeed(long seed) {
    return new TrainingConfig(
        loss,
        learningRate,
        momentum,
        weightDecay,
        weightDecayMode,
        budget,
        batchSize,
        seed,
        centred,
        curveEvery,
        divergenceFactor);
  }

  public TrainingConfig withCentred(boolean centred) {
    return new TrainingConfig(
        loss,
        learningRate,
        momentum,
        weightDecay,
        weightDecayMode,
        budget,
        batchSize,
        seed,
        centred,
        curveEvery,
        divergenceFactor);
  }

  public TrainingConfig withCurveEvery(long curveEvery) {
    return new TrainingConfig(
        loss,
        learningRate,
        momentum,
        weightDecay,
        weightDecayMode,
        budget,
        batchSize,
        seed,
        centred,
        curveEvery,
        divergenceFactor);
  }

  public TrainingConfig withDivergenceFactor(double divergenceFactor) {
    return new TrainingConfig(
        loss,
        learningRate,
        momentum,
        weightDecay,
        weightDecayMode,
        budget,
        batchSize,
        seed,
        centred,
        curveEvery,
        divergenceFactor);
  }
}
