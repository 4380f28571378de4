package dev.widescan.workers.linalg;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;

/**
 * A dense float64 matrix stored row-major outside the Java heap, for products that OpenBLAS reads
 * and writes in place: handing it an on-heap {@code double[]} makes the binding copy every operand
 * in and out, which costs about 30% of a large DGEMM (DESIGN.md, "Facts checked").
 *
 * <p>Element (i, j) is at offset {@code i * stride + j}, where the stride (BLAS's leading
 * dimension) is the column count of the matrix the memory was allocated for. Views from {@link
 * #rows(int, int)} and {@link #block(int, int, int, int)} share the memory of the matrix they come
 * from, so a product can write straight into its place in a larger result; only the owner frees the
 * memory, on {@link #close()}.
 */
public final class NativeMatrix implements AutoCloseable {
  private final DoublePointer memory;
  private final long offset;
  private final int rows;
  private final int cols;
  private final int stride;
  private final boolean owner;

  private NativeMatrix(
      DoublePointer memory, long offset, int rows, int cols, int stride, boolean owner) {
    this.memory = memory;
    this.offset = offset;
    this.rows = rows;
    this.cols = cols;
    this.stride = stride;
    this.owner = owner;
  }

  /** A new matrix filled with zeros. */
  public static NativeMatrix zeros(int rows, int cols) {
    NativeMatrix out = uninitialized(rows, cols);
    out.memory.zero();
    return out;
  }

  /**
   * A new matrix whose elements are whatever the memory held: for results that are written before
   * they are read (a product with β = 0), where zeroing would be a wasted pass over the memory.
   */
  public static NativeMatrix uninitialized(int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "matrix shape must be non-negative, got " + rows + "x" + cols);
    }
    DoublePointer memory = new DoublePointer(Math.max(1L, (long) rows * cols));
    return new NativeMatrix(memory, 0, rows, cols, cols, true);
  }

  /** A copy of {@code m} outside the heap. */
  public static NativeMatrix of(Matrix m) {
    NativeMatrix out = uninitialized(m.rows(), m.cols());
    out.setRows(0, m, 0, m.rows());
    return out;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The distance between the starts of consecutive rows (BLAS's leading dimension). */
  public int stride() {
    return stride;
  }

  public String shape() {
    return rows + "x" + cols;
  }

  /** The rows {@code from} (inclusive) to {@code to} (exclusive) as a view on the same memory. */
  public NativeMatrix rows(int from, int to) {
    return block(from, to, 0, cols);
  }

  /** Rows {@code [rowFrom, rowTo)} × columns {@code [colFrom, colTo)} as a view. */
  public NativeMatrix block(int rowFrom, int rowTo, int colFrom, int colTo) {
    if (rowFrom < 0 || rowTo > rows || rowFrom > rowTo) {
      throw new IllegalArgumentException(
          "row range [" + rowFrom + ", " + rowTo + ") outside 0.." + rows);
    }
    if (colFrom < 0 || colTo > cols || colFrom > colTo) {
      throw new IllegalArgumentException(
          "column range [" + colFrom + ", " + colTo + ") outside 0.." + cols);
    }
    return new NativeMatrix(
        memory,
        offset + (long) rowFrom * stride + colFrom,
        rowTo - rowFrom,
        colTo - colFrom,
        stride,
        false);
  }

  /**
   * The first {@code rows × cols} elements of this (contiguous) matrix as a {@code rows × cols}
   * matrix, a view on the same memory: one buffer serves products of several shapes.
   */
  public NativeMatrix reshaped(int rows, int cols) {
    if (stride != this.cols) {
      throw new IllegalStateException("can't reshape a view with stride " + stride);
    }
    if (rows < 0 || cols < 0 || (long) rows * cols > (long) this.rows * this.cols) {
      throw new IllegalArgumentException(
          "can't view a " + shape() + " matrix as " + rows + "x" + cols);
    }
    return new NativeMatrix(memory, offset, rows, cols, cols, false);
  }

  /**
   * Copies rows {@code [from, to)} of {@code source} into this matrix starting at row {@code at}.
   */
  public void setRows(int at, Matrix source, int from, int to) {
    if (source.cols() != cols
        || at < 0
        || at + (to - from) > rows
        || from < 0
        || to > source.rows()) {
      throw new IllegalArgumentException(
          "can't copy rows ["
              + from
              + ", "
              + to
              + ") of a "
              + source.shape()
              + " matrix to row "
              + at
              + " of a "
              + shape()
              + " one");
    }
    if (cols == 0) {
      return;
    }
    DoublePointer target = new DoublePointer(memory);
    for (int r = from; r < to; r++) {
      target.position(offset + (long) (at + r - from) * stride).put(source.data(), r * cols, cols);
    }
  }

  /** Sets rows {@code [from, to)} to zero. */
  public void zeroRows(int from, int to) {
    if (from < 0 || to > rows || from > to) {
      throw new IllegalArgumentException("row range [" + from + ", " + to + ") outside 0.." + rows);
    }
    double[] zeros = new double[cols];
    DoublePointer target = new DoublePointer(memory);
    for (int r = from; r < to; r++) {
      target.position(offset + (long) r * stride).put(zeros, 0, cols);
    }
  }

  /**
   * A buffer over this matrix's elements, element (i, j) at index {@code i * stride() + j};
   * absolute reads from it are safe from several threads.
   */
  public DoubleBuffer buffer() {
    DoubleBuffer all = new DoublePointer(memory).position(0).asBuffer();
    long length = rows == 0 ? 0 : (long) (rows - 1) * stride + cols;
    return all.slice(Math.toIntExact(offset), Math.toIntExact(length));
  }

  /** A copy on the heap. */
  public Matrix toMatrix() {
    double[] data = new double[Math.multiplyExact(rows, cols)];
    DoubleBuffer elements = buffer();
    for (int i = 0; i < rows; i++) {
      elements.get(i * stride, data, i * cols, cols);
    }
    return new Matrix(rows, cols, data);
  }

  /** The pointer OpenBLAS receives: the memory at this matrix's first element. */
  DoublePointer pointer() {
    return new DoublePointer(memory).position(offset);
  }

  /** Frees the memory (owner only; a view does nothing). */
  @Override
  public void close() {
    if (owner) {
      memory.close();
    }
  }

  @Override
  public String toString() {
    return "NativeMatrix[" + shape() + (stride == cols ? "" : ", stride " + stride) + "]";
  }
}
