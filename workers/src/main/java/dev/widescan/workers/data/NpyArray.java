package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;

/**
 * An array read from a NumPy {@code .npy} file (or one member of an {@code .npz}), values widened
 * to {@code double} and laid out in C (row-major) order whatever the file's order.
 *
 * @param header the file's header; {@code header.shape()[0]} is what the file holds
 * @param rows how many leading items (along the first axis) were read
 * @param values {@code rows × header.itemSize()} values in C order (not copied)
 */
public record NpyArray(NpyHeader header, int rows, double[] values) {
  public NpyArray {
    if (values.length != (long) rows * header.itemSize()) {
      throw new IllegalArgumentException(
          rows + " items of " + header.itemSize() + " values, got " + values.length);
    }
  }

  /** The items as rows of a {@code rows × itemSize} matrix (shares {@link #values}). */
  public Matrix toMatrix() {
    return new Matrix(rows, header.itemSize(), values);
  }

  /**
   * The values as class labels, for a one-dimensional integer-valued array.
   *
   * @param source what the array is, for error messages
   * @throws DatasetException if the array isn't one-dimensional or holds a value that is not a
   *     non-negative integer
   */
  public int[] toLabels(String source) {
    if (header.shape().length != 1) {
      throw new DatasetException(
          source
              + " has shape "
              + header.shapeText()
              + ", expected a one-dimensional array of labels");
    }
    int[] y = new int[rows];
    for (int i = 0; i < rows; i++) {
      double v = values[i];
      if (v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
        throw new DatasetException(
            source + ": label of item " + i + " is " + v + ", expected an integer >= 0");
      }
      y[i] = (int) v;
    }
    return y;
  }
}
