package dev.widescan.workers.data;

import dev.widescan.workers.arch.ImageShape;
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
 * @param shape the shape of one example when the examples are images, null for vectors
 * @param channelsFirst whether each row holds an image channel by channel (CIFAR's binary layout)
 *     rather than pixel by pixel (NHWC, channels last)
 */
public record Dataset(
    String name,
    Matrix xTrain,
    int[] yTrain,
    Matrix xTest,
    int[] yTest,
    int classes,
    ImageShape shape,
    boolean channelsFirst) {

  /** A data set of vectors (no image shape). */
  public Dataset(String name, Matrix xTrain, int[] yTrain, Matrix xTest, int[] yTest, int classes) {
    this(name, xTrain, yTrain, xTest, yTest, classes, null, false);
  }

  public Dataset {
    if (shape != null && shape.features() != xTrain.cols()) {
      throw new IllegalArgumentException(
          name
              + ": images of "
              + shape
              + " have "
              + shape.features()
              + " features, rows have "
              + xTrain.cols());
    }
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

  /**
   * This data set with its images laid out channels last (NHWC rows, as the convolutional kernels
   * read them); itself when it already is, or has no image shape.
   */
  public Dataset channelsLast() {
    if (!channelsFirst || shape == null) {
      return this;
    }
    return new Dataset(
        name,
        toChannelsLast(xTrain, shape),
        yTrain,
        toChannelsLast(xTest, shape),
        yTest,
        classes,
        shape,
        false);
  }

  private static Matrix toChannelsLast(Matrix x, ImageShape shape) {
    int pixels = shape.pixels();
    int c = shape.channels();
    int d = x.cols();
    double[] in = x.data();
    double[] out = new double[in.length];
    for (int i = 0; i < x.rows(); i++) {
      int base = i * d;
      for (int ch = 0; ch < c; ch++) {
        for (int p = 0; p < pixels; p++) {
          out[base + p * c + ch] = in[base + ch * pixels + p];
        }
      }
    }
    return new Matrix(x.rows(), d, out);
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
