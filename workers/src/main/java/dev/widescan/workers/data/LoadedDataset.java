package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;

/**
 * A data set loaded for a {@link DatasetRequest}: preprocessed inputs and labels, targets, which
 * examples were taken and the identity that goes into every result's hash.
 *
 * @param identity what this is (see {@link DatasetIdentity})
 * @param data preprocessed inputs and labels
 * @param trainTargets encoded training targets
 * @param testTargets encoded test targets
 * @param trainIndices positions of the training examples in the source's training split
 * @param testIndices positions of the test examples in the source's test split
 */
public record LoadedDataset(
    DatasetIdentity identity,
    Dataset data,
    Matrix trainTargets,
    Matrix testTargets,
    int[] trainIndices,
    int[] testIndices) {

  /**
   * Checks that this is the data a unit was planned with.
   *
   * @throws DatasetException naming both hashes if they differ (a file changed since submission)
   */
  public void requireIdentity(String expectedHash) {
    String actual = identity.hash();
    if (!actual.equals(expectedHash)) {
      throw new DatasetException(
          "data set "
              + identity.name()
              + " now has identity "
              + actual
              + " but the unit was planned with "
              + expectedHash
              + "; its files changed since submission (now: "
              + identity.files()
              + ")");
    }
  }
}
