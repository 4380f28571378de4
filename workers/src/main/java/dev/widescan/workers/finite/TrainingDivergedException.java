package dev.widescan.workers.finite;

/**
 * Training produced a non-finite loss or parameter: the learning rate is too large for this network
 * and data (for MSE under NTK parameterization, gradient descent is stable only below ≈ 2·n·k /
 * λ_max(Θ)). A caller records it as a failed run with {@link #getMessage()} as the reason.
 */
public class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final int step;
  private final double learningRate;
  private final double loss;

  public TrainingDivergedException(
      int epoch, int epochs, int step, double learningRate, double loss) {
    super(
        "training diverged in epoch "
            + epoch
            + " of "
            + epochs
            + " (step "
            + step
            + ") at learning rate "
            + learningRate
            + ": loss = "
            + loss
            + "; a smaller learning rate may converge");
    this.epoch = epoch;
    this.step = step;
    this.learningRate = learningRate;
    this.loss = loss;
  }

  /** The epoch (1-based) in which the loss stopped being finite. */
  public int epoch() {
    return epoch;
  }

  /** The optimizer step (1-based, counted over all epochs) whose loss was not finite. */
  public int step() {
    return step;
  }

  public double learningRate() {
    return learningRate;
  }

  /** The non-finite (or last) loss seen. */
  public double loss() {
    return loss;
  }
}
