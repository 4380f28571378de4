package dev.widescan.workers.linalg;

import java.util.Arrays;

/**
 * A dense float64 matrix stored row-major in one array: element (i, j) is {@code data[i * cols +
 * j]}. It is a plain value holder; products and factorizations live in {@link Blas}.
 */
public final class Matrix {
  private final int rows;
  private final int cols;
  private final double[] data;

  public Matrix(int rows, int cols, double[] data) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "matrix shape must be non-negative, got " + rows + "x" + cols);
    }
    if (data.length != (long) rows * cols) {
      throw new IllegalArgumentException(
          "a "
              + rows
              + "x"
              + cols
              + " matrix needs "
              + (long) rows * cols
              + " values, got "
              + data.length);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  public static Matrix zeros(int rows, int cols) {
    return new Matrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
  }

  public static Matrix identity(int n) {
    Matrix m = zeros(n, n);
    for (int i = 0; i < n; i++) {
      m.data[i * n + i] = 1.0;
    }
    return m;
  }

  /** Builds a matrix from rows of equal length; the input is copied. */
  public static Matrix of(double[][] values) {
    int r = values.length;
    int c = r == 0 ? 0 : values[0].length;
    double[] d = new double[r * c];
    for (int i = 0; i < r; i++) {
      if (values[i].length != c) {
        throw new IllegalArgumentException(
            "row " + i + " has " + values[i].length + " values, expected " + c);
      }
      System.arraycopy(values[i], 0, d, i * c, c);
    }
    return new Matrix(r, c, d);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The backing row-major array (not a copy). */
  public double[] data() {
    return data;
  }

  public double get(int i, int j) {
    return data[i * cols + j];
  }

  public void set(int i, int j, double value) {
    data[i * cols + j] = value;
  }

  public double[] row(int i) {
    return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
  }

  public Matrix copy() {
    return new Matrix(rows, cols, data.clone());
  }

  public Matrix transpose() {
    Matrix t = zeros(cols, rows);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t.data[j * rows + i] = data[i * cols + j];
      }
    }
    return t;
  }

  /** The rows {@code from} (inclusive) to {@code to} (exclusive), copied. */
  public Matrix rowRange(int from, int to) {
    if (from < 0 || to > rows || from > to) {
      throw new IllegalArgumentException("row range [" + from + ", " + to + ") outside 0.." + rows);
    }
    return new Matrix(to - from, cols, Arrays.copyOfRange(data, from * cols, to * cols));
  }

  public double[] diagonal() {
    int n = Math.min(rows, cols);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = data[i * cols + i];
    }
    return d;
  }

  public double trace() {
    double s = 0;
    for (double v : diagonal()) {
      s += v;
    }
    return s;
  }

  public double[][] toArray() {
    double[][] out = new double[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = row(i);
    }
    return out;
  }

  public String shape() {
    return rows + "x" + cols;
  }

  @Override
  public String toString() {
    return "Matrix[" + shape() + "]";
  }
}
