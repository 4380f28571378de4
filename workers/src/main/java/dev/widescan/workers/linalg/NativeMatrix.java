package dev.widescan.workers.linalg;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;

/**
 * A dense float64 matrix stored row-major outside the Java heap, for products that OpenBLAS reads
 * and writes in place: handing it an on-heap {@code double[]} makes the binding copy every operand
 * in and out, which costs about 30% of a large DGEMM (DESIGN.md, "Facts checked").
 *
 * <p>Element (i, j) is at offset {@code i * cols + j}. Views from {@link #rows(int, int)} share the
 * memory of the matrix they come from; only the owner frees it, on {@link #close()}.
 */
public final class NativeMatrix implements AutoCloseable {
  private final DoublePointer memory;
  private final long offset;
  private final int rows;
  private final int cols;
  private final boolean owner;

  private NativeMatrix(DoublePointer memory, long offset, int rows, int cols, boolean owner) {
    this.memory = memory;
    this.offset = offset;
    this.rows = rows;
    this.cols = cols;
    this.owner = owner;
  }

  /** A new matrix filled with zeros. */
  public static NativeMatrix zeros(int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "matrix shape must be non-negative, got " + rows + "x" + cols);
    }
    long size = Math.max(1L, (long) rows * cols);
    DoublePointer memory = new DoublePointer(size);
    memory.zero();
    return new NativeMatrix(memory, 0, rows, cols, true);
  }

  /** A copy of {@code m} outside the heap. */
  public static NativeMatrix of(Matrix m) {
    NativeMatrix out = zeros(m.rows(), m.cols());
    out.setRows(0, m, 0, m.rows());
    return out;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public String shape() {
    return rows + "x" + cols;
  }

  /** The rows {@code from} (inclusive) to {@code to} (exclusive) as a view on the same memory. */
  public NativeMatrix rows(int from, int to) {
    if (from < 0 || to > rows || from > to) {
      throw new IllegalArgumentException("row range [" + from + ", " + to + ") outside 0.." + rows);
    }
    return new NativeMatrix(memory, offset + (long) from * cols, to - from, cols, false);
  }

  /**
   * The first {@code rows × cols} elements of this matrix as a {@code rows × cols} matrix, a view
   * on the same memory: one buffer serves products of several shapes.
   */
  public NativeMatrix reshaped(int rows, int cols) {
    if (rows < 0 || cols < 0 || (long) rows * cols > (long) this.rows * this.cols) {
      throw new IllegalArgumentException(
          "can't view a " + shape() + " matrix as " + rows + "x" + cols);
    }
    return new NativeMatrix(memory, offset, rows, cols, false);
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
    long count = (long) (to - from) * cols;
    if (count > 0) {
      new DoublePointer(memory)
          .position(offset + (long) at * cols)
          .put(source.data(), from * cols, Math.toIntExact(count));
    }
  }

  /**
   * A buffer over this matrix's elements (index {@code i * cols + j}); absolute reads from it are
   * safe from several threads.
   */
  public DoubleBuffer buffer() {
    DoubleBuffer all = new DoublePointer(memory).position(0).asBuffer();
    return all.slice(Math.toIntExact(offset), Math.toIntExact((long) rows * cols));
  }

  /** A copy on the heap. */
  public Matrix toMatrix() {
    double[] data = new double[Math.multiplyExact(rows, cols)];
    buffer().get(0, data);
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
    return "NativeMatrix[" + shape() + "]";
  }
}
