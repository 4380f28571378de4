package dev.widescan.workers.data;

/**
 * What a unit asks of a data set: which one, how many examples of each split, which ones, how they
 * are preprocessed and how labels become targets.
 *
 * @param name a registry name ({@code fashion-mnist}, {@code cifar-10}, a directory name, or a
 *     synthetic {@code teacher:d=64,...})
 * @param train training examples (≥ 0)
 * @param test test examples (≥ 0)
 * @param subset which examples
 * @param preprocessing how inputs are transformed
 * @param targets how labels are encoded
 */
public record DatasetRequest(
    String name, int train, int test, Subset subset, Preprocessing preprocessing, Targets targets) {
  public DatasetRequest {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("data set name is empty");
    }
    if (train < 0 || test < 0) {
      throw new IllegalArgumentException(
          "example counts must be non-negative, got train=" + train + ", test=" + test);
    }
    if (subset == null || preprocessing == null || targets == null) {
      throw new IllegalArgumentException("subset, preprocessing and targets are required");
    }
  }

  /** The defaults: first examples, per-example standardization, one-hot targets. */
  public static DatasetRequest of(String name, int train, int test) {
    return new DatasetRequest(
        name, train, test, Subset.FIRST, Preprocessing.DEFAULT, Targets.ONE_HOT);
  }

  public DatasetRequest withSubset(Subset s) {
    return new DatasetRequest(name, train, test, s, preprocessing, targets);
  }

  public DatasetRequest withPreprocessing(Preprocessing p) {
    return new DatasetRequest(name, train, test, subset, p, targets);
  }

  public DatasetRequest withTargets(Targets t) {
    return new DatasetRequest(name, train, test, subset, preprocessing, t);
  }
}
