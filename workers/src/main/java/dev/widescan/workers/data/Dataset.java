package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;

/**
 * A classification data set split into training and test examples, rows = examples.
 *
 * <p>Arrays and matrices are held as given, not copied; {@code equals} compares them by identity.
 *
 * @param name e.g. {@code fashion-mnist}
 * @param xTrain n × d inputs
 * @param yTrain n labels in [0, classes)
 * @param xTest m × d inputs
 * @param yTest m labels in [0, classes)
 * @param classes number of classes
 */
public record Dataset(
    String name, Matrix xTrain, int[] yTrain, Matrix xTest, int[] yTest, int classes) {
  public Dataset {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be positive, got " + classes);
    }
    if (xTrain.rows() != yTrain.length || xTest.rows() != yTest.length) {
      throw new IllegalArgumentException(
          name
              + ": "
              + xTrain.shape()
              + " training inputs with "
              + yTrain.length
              + " labels, "
              + xTest.shape()
              + " test inputs with "
              + yTest.length
              + " labels");
    }
    if (xTrain.cols() != xTest.cols()) {
      throw new IllegalArgumentException(
          name
              + ": training inputs have "
              + xTrain.cols()
              + " features, test inputs "
              + xTest.cols());
    }
    checkLabels(name, "training", yTrain, classes);
    checkLabels(name, "test", yTest, classes);
  }

  public int trainSize() {
    return yTrain.length;
  }

  public int testSize() {
    return yTest.length;
  }

  /** Input dimension d. */
  public int features() {
    return xTrain.cols();
  }

  private static void checkLabels(String name, String split, int[] y, int classes) {
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= classes) {
        throw new IllegalArgumentException(
            name + ": " + split + " label " + i + " is " + y[i] + ", expected 0.." + (classes - 1));
      }
    }
  }
}
