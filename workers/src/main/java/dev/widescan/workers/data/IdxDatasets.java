package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;

/** Loads an MNIST-style data set (four IDX files with the standard names) from one source. */
final class IdxDatasets {
  private IdxDatasets() {}

  /**
   * The first {@code train} training and first {@code test} test examples of {@code source}.
   *
   * @param howToGetMore appended to the error when the source holds too few examples
   */
  static Dataset load(
      String name,
      IdxSource source,
      int train,
      int test,
      Preprocess preprocess,
      int classes,
      String howToGetMore) {
    if (train < 0 || test < 0) {
      throw new IllegalArgumentException(
          "example counts must be non-negative, got train=" + train + ", test=" + test);
    }
    checkCount(
        name,
        source,
        IdxSource.TRAIN_IMAGES,
        IdxSource.TRAIN_LABELS,
        "training",
        train,
        howToGetMore);
    checkCount(
        name, source, IdxSource.TEST_IMAGES, IdxSource.TEST_LABELS, "test", test, howToGetMore);
    Matrix xTrain = source.read(IdxSource.TRAIN_IMAGES, IdxReader.IMAGES_MAGIC, train).toMatrix();
    int[] yTrain = labels(source, IdxSource.TRAIN_LABELS, train, classes);
    Matrix xTest = source.read(IdxSource.TEST_IMAGES, IdxReader.IMAGES_MAGIC, test).toMatrix();
    int[] yTest = labels(source, IdxSource.TEST_LABELS, test, classes);
    return new Dataset(
        name, preprocess.apply(xTrain), yTrain, preprocess.apply(xTest), yTest, classes);
  }

  private static void checkCount(
      String name,
      IdxSource source,
      String imagesFile,
      String labelsFile,
      String split,
      int asked,
      String howToGetMore) {
    int images = source.header(imagesFile, IdxReader.IMAGES_MAGIC).items();
    int labels = source.header(labelsFile, IdxReader.LABELS_MAGIC).items();
    if (images != labels) {
      throw new DatasetException(
          source.locate(imagesFile)
              + " holds "
              + images
              + " images but "
              + source.locate(labelsFile)
              + " holds "
              + labels
              + " labels; expected the same count");
    }
    if (asked > images) {
      throw new DatasetException(
          "asked for "
              + asked
              + " "
              + split
              + " examples of "
              + name
              + " but the "
              + source.description()
              + " has only "
              + images
              + "; "
              + howToGetMore);
    }
  }

  private static int[] labels(IdxSource source, String file, int count, int classes) {
    int[] y = source.read(file, IdxReader.LABELS_MAGIC, count).toLabels();
    for (int i = 0; i < y.length; i++) {
      if (y[i] >= classes) {
        throw new DatasetException(
            source.locate(file)
                + ": label of item "
                + i
                + " is "
                + y[i]
                + ", expected 0.."
                + (classes - 1));
      }
    }
    return y;
  }
}
