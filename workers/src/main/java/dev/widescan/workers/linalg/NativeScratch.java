package dev.widescan.workers.linalg;

import java.util.ArrayList;
import java.util.List;

/**
 * Off-heap scratch matrices kept for reuse. Fresh memory costs its first touch: the kernel makes
 * about 0.4 s of page faults per GB it writes into new pages (measured on a 420 MB product block,
 * ~17% of the products' time), which a block reused from the previous unit does not pay.
 *
 * <p>{@link #take} hands out an owner at least as large as asked; use {@link NativeMatrix#reshaped}
 * on it and give it back with {@link #give} (which frees it instead when the idle memory would
 * exceed the limit).
 */
public final class NativeScratch {
  private final long maxIdleDoubles;
  private final List<NativeMatrix> idle = new ArrayList<>();
  private long idleDoubles;

  /**
   * @param maxIdleBytes the most memory kept while no one uses it
   */
  public NativeScratch(long maxIdleBytes) {
    this.maxIdleDoubles = maxIdleBytes / Double.BYTES;
  }

  /** A rows × cols matrix on memory taken from this pool until the lease is closed. */
  public Lease lease(int rows, int cols) {
    NativeMatrix owner = take(rows, cols);
    return new Lease(owner, owner.reshaped(rows, cols));
  }

  /** A matrix on memory of this pool; {@link #close()} returns the memory. */
  public final class Lease implements AutoCloseable {
    private final NativeMatrix owner;
    private final NativeMatrix matrix;

    private Lease(NativeMatrix owner, NativeMatrix matrix) {
      this.owner = owner;
      this.matrix = matrix;
    }

    public NativeMatrix matrix() {
      return matrix;
    }

    @Override
    public void close() {
      give(owner);
    }
  }

  /** A contiguous matrix of at least {@code rows × cols} elements; its shape is not specified. */
  synchronized NativeMatrix take(int rows, int cols) {
    long needed = (long) rows * cols;
    NativeMatrix best = null;
    for (NativeMatrix m : idle) {
      if (size(m) >= needed && (best == null || size(m) < size(best))) {
        best = m;
      }
    }
    if (best == null) {
      return NativeMatrix.uninitialized(rows, cols);
    }
    idle.remove(best);
    idleDoubles -= size(best);
    return best;
  }

  /** Returns a matrix from {@link #take} for reuse. */
  synchronized void give(NativeMatrix owner) {
    idle.add(owner);
    idleDoubles += size(owner);
    idle.sort((a, b) -> Long.compare(size(b), size(a)));
    while (idleDoubles > maxIdleDoubles) {
      NativeMatrix smallest = idle.remove(idle.size() - 1);
      idleDoubles -= size(smallest);
      smallest.close();
    }
  }

  private static long size(NativeMatrix m) {
    return (long) m.rows() * m.cols();
  }
}
