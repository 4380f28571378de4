package dev.widescan.workers.finite;

/**
 * How long to train: a number of epochs (passes over the training set) or of optimizer steps.
 * Either way training is a sequence of steps; an epoch is ⌈n/B⌉ of them (the last batch of an epoch
 * may be smaller), so {@code epochs(e)} and {@code steps(e·⌈n/B⌉)} are the same run.
 *
 * @param count epochs or steps, ≥ 0
 * @param inEpochs whether {@code count} counts epochs
 */
public record Budget(long count, boolean inEpochs) {
  public Budget {
    if (count < 0) {
      throw new IllegalArgumentException(
          "a training budget must be ≥ 0 " + (inEpochs ? "epochs" : "steps") + ", got " + count);
    }
  }

  public static Budget epochs(long epochs) {
    return new Budget(epochs, true);
  }

  public static Budget steps(long steps) {
    return new Budget(steps, false);
  }

  /** The number of optimizer steps for n training examples in batches of {@code batchSize}. */
  public long steps(int n, int batchSize) {
    if (!inEpochs) {
      return count;
    }
    long perEpoch = (n + (long) Math.min(batchSize, n) - 1) / Math.min(batchSize, n);
    return Math.multiplyExact(count, perEpoch);
  }

  @Override
  public String toString() {
    return count + (inEpochs ? " epochs" : " steps");
  }
}
