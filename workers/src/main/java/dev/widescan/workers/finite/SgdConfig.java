package dev.widescan.workers.finite;

/**
 * Minibatch SGD settings for {@link SgdTrainer}.
 *
 * @param learningRate step size η &gt; 0
 * @param momentum heavy-ball coefficient μ in [0, 1); 0 is plain SGD
 * @param weightDecay L2 coefficient λ ≥ 0, added to the gradient as λ·θ
 * @param epochs passes over the training set, ≥ 0
 * @param batchSize examples per step, ≥ 1; at least the training-set size means full-batch gradient
 *     descent
 * @param seed seed of the per-epoch shuffles
 */
public record SgdConfig(
    double learningRate,
    double momentum,
    double weightDecay,
    int epochs,
    int batchSize,
    long seed) {
  public SgdConfig {
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
    if (epochs < 0 || batchSize < 1) {
      throw new IllegalArgumentException(
          "need epochs ≥ 0 and batch size ≥ 1, got epochs=" + epochs + ", batchSize=" + batchSize);
    }
  }
}
