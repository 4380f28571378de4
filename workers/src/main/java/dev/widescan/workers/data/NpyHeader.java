package dev.widescan.workers.data;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The header of a NumPy {@code .npy} array: its element type, memory order and shape.
 *
 * @param descr the dtype string as written, e.g. {@code <f8}, {@code |u1}, {@code >i4}
 * @param fortranOrder whether the data is stored column-major
 * @param shape the dimensions (empty for a scalar; a copy is kept)
 * @param dataOffset bytes from the start of the file (or zip member) to the data
 */
public record NpyHeader(String descr, boolean fortranOrder, long[] shape, int dataOffset) {
  public NpyHeader {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Items along the first axis (1 for a scalar). */
  public long items() {
    return shape.length == 0 ? 1 : shape[0];
  }

  /** Elements per item: the product of all dimensions but the first. */
  public int itemSize() {
    long size = 1;
    for (int i = 1; i < shape.length; i++) {
      size *= shape[i];
    }
    return (int) size;
  }

  /** All elements of the array. */
  public long elements() {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  /** Bytes per element, from the dtype. */
  public int elementBytes() {
    return Integer.parseInt(descr.substring(2));
  }

  /** Bytes of data the header promises. */
  public long dataBytes() {
    return elements() * elementBytes();
  }

  /** The element kind: {@code b} bool, {@code i} signed, {@code u} unsigned, {@code f} float. */
  char kind() {
    return descr.charAt(1);
  }

  ByteOrder order() {
    return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
  }

  /** The shape as NumPy prints it, e.g. {@code (60000, 28, 28)}. */
  public String shapeText() {
    String s = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    return "(" + s + (shape.length == 1 ? ",)" : ")");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyHeader h
        && h.descr.equals(descr)
        && h.fortranOrder == fortranOrder
        && Arrays.equals(h.shape, shape)
        && h.dataOffset == dataOffset;
  }

  @Override
  public int hashCode() {
    return descr.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "NpyHeader[descr="
        + descr
        + ", fortranOrder="
        + fortranOrder
        + ", shape="
        + shapeText()
        + ", dataOffset="
        + dataOffset
        + "]";
  }
}
