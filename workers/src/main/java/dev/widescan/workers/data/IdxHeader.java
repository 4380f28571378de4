package dev.widescan.workers.data;

import java.util.Arrays;

/**
 * The header of an IDX file: the big-endian magic number {@code 0x0000TTNN} (TT = element type,
 * 0x08 for unsigned bytes; NN = number of dimensions) and the dimensions, the first of which counts
 * the items.
 *
 * @param magic the magic number as read
 * @param dims all dimensions as stored in the file (a copy is kept)
 */
public record IdxHeader(int magic, int[] dims) {
  public IdxHeader {
    dims = dims.clone();
  }

  @Override
  public int[] dims() {
    return dims.clone();
  }

  /** The number of items the file holds (its first dimension). */
  public int items() {
    return dims[0];
  }

  /** Elements per item: the product of all dimensions but the first (1 for labels). */
  public int itemSize() {
    int size = 1;
    for (int i = 1; i < dims.length; i++) {
      size *= dims[i];
    }
    return size;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdxHeader h && h.magic == magic && Arrays.equals(h.dims, dims);
  }

  @Override
  public int hashCode() {
    return 31 * magic + Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return String.format("IdxHeader[magic=0x%08X, dims=%s]", magic, Arrays.toString(dims));
  }
}
