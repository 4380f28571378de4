package dev.widescan.workers.finite;

import dev.widescan.workers.linalg.Matrix;
import java.util.List;
import java.util.Optional;

/**
 * What one training run produced ({@link SgdTrainer#run}). A run that diverged is still a result:
 * {@link #divergence()} says at which step and why, and the curve holds what was measured before.
 *
 * @param config how it was trained
 * @param initialSeed the seed the initial network was drawn with, if known (provenance)
 * @param network the network after the last step taken (at a divergence: the parameters that
 *     produced the bad loss, possibly non-finite)
 * @param steps optimizer steps taken
 * @param curve measured points, step 0 first; the last is the end of training unless it diverged
 * @param divergence present if the run ended early
 * @param initialTestOutputs f₀(X_test), if a test set was given
 * @param testOutputs f(X_test) of the final network, if a test set was given and the run did not
 *     diverge
 * @param test scores of {@link #testPredictions()}, if present
 * @param trainSeconds wall time of the optimizer steps alone
 * @param wallSeconds wall time of the whole run, curve and test evaluation included
 */
public record TrainingRun(
    TrainingConfig config,
    Optional<Long> initialSeed,
    FcNetwork network,
    long steps,
    List<CurvePoint> curve,
    Optional<Divergence> divergence,
    Optional<Matrix> initialTestOutputs,
    Optional<Matrix> testOutputs,
    Optional<Evaluation> test,
    double trainSeconds,
    double wallSeconds) {

  public boolean diverged() {
    return divergence.isPresent();
  }

  /**
   * The run's test predictions: f(X_test), or f(X_test) − f₀(X_test) for a centred run; empty
   * without a test set or after a divergence.
   */
  public Optional<Matrix> testPredictions() {
    if (testOutputs.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(config.centred() ? centredTestOutputs().orElseThrow() : testOutputs.get());
  }

  /**
   * f(X_test) − f₀(X_test), whether or not the run trained the centred network (for a run that
   * trained f itself this only subtracts f₀ afterwards, which is not the paper's centring: see
   * {@link TrainingConfig#centred()}).
   */
  public Optional<Matrix> centredTestOutputs() {
    if (testOutputs.isEmpty() || initialTestOutputs.isEmpty()) {
      return Optional.empty();
    }
    Matrix d = testOutputs.get().copy();
    double[] dd = d.data();
    double[] f0 = initialTestOutputs.get().data();
    for (int i = 0; i < dd.length; i++) {
      dd[i] -= f0[i];
    }
    return Optional.of(d);
  }

  /** The last curve point (the final training loss and accuracy, or the last before divergence). */
  public CurvePoint last() {
    return curve.get(curve.size() - 1);
  }

  /** Training examples processed per second of {@link #trainSeconds()}, for n training examples. */
  public double samplesPerSecond(int trainingSetSize) {
    int batch = Math.min(config.batchSize(), trainingSetSize);
    long perEpoch = (trainingSetSize + batch - 1) / batch;
    double examples =
        (steps / perEpoch) * (double) trainingSetSize
            + Math.min((steps % perEpoch) * (double) batch, trainingSetSize);
    return examples / trainSeconds;
  }
}
