package dev.widescan.workers.data;

import dev.widescan.workers.linalg.Matrix;

/**
 * The first {@code count} items of an IDX unsigned-byte file.
 *
 * @param header the file's header (its first dimension is what the file holds, not {@code count})
 * @param count how many items were read
 * @param values {@code count × header.itemSize()} unsigned bytes in file order (not copied)
 */
public record IdxData(IdxHeader header, int count, byte[] values) {
  public IdxData {
    if (values.length != (long) count * header.itemSize()) {
      throw new IllegalArgumentException(
          count
              + " items of "
              + header.itemSize()
              + " bytes need "
              + (long) count * header.itemSize()
              + " values, got "
              + values.length);
    }
  }

  /** The items as rows of a {@code count × itemSize} matrix of raw values 0..255. */
  public Matrix toMatrix() {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i] & 0xFF;
    }
    return new Matrix(count, header.itemSize(), d);
  }

  /** The items as integers 0..255, for a file with one element per item (labels). */
  public int[] toLabels() {
    if (header.itemSize() != 1) {
      throw new IllegalStateException(
          "labels need one value per item, this file has " + header.itemSize() + " per item");
    }
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = values[i] & 0xFF;
    }
    return labels;
  }
}
