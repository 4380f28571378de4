package dev.widescan.workers.unit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One block of a kernel that is computed as a unit of its own: rows {@code [rowFrom, rowTo)} ×
 * columns {@code [colFrom, colTo)} of the train × train kernel (on or above its diagonal; the
 * blocks below are transposes) or of the test × train kernel. A tile's memory is O(size²) whatever
 * the number of examples, so a kernel too large for one worker is a set of tiles.
 */
public record KernelTile(Block block, int rowFrom, int rowTo, int colFrom, int colTo) {

  /** Which kernel a tile belongs to. */
  public enum Block {
    /** The training examples with themselves: symmetric, tiled on and above the diagonal. */
    TRAIN_TRAIN,
    /** Test examples (rows) against training examples (columns). */
    TEST_TRAIN;

    @JsonValue
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Block parse(String id) {
      return valueOf(id.toUpperCase(Locale.ROOT));
    }
  }

  public KernelTile {
    if (block == null || rowFrom < 0 || colFrom < 0 || rowTo <= rowFrom || colTo <= colFrom) {
      throw new IllegalArgumentException(
          "a kernel tile needs a block and non-empty ranges, got "
              + block
              + " ["
              + rowFrom
              + ", "
              + rowTo
              + ") x ["
              + colFrom
              + ", "
              + colTo
              + ")");
    }
  }

  public int rows() {
    return rowTo - rowFrom;
  }

  public int cols() {
    return colTo - colFrom;
  }

  /** A train × train tile whose rows and columns are the same examples (a symmetric block). */
  public boolean onDiagonal() {
    return block == Block.TRAIN_TRAIN && rowFrom == colFrom;
  }

  /**
   * The tiles of a kernel on n training and m test examples, {@code size} examples a side: with b =
   * ⌈n/size⌉, the b(b+1)/2 train × train tiles on and above the diagonal, row block by row block,
   * then the ⌈m/size⌉·b test × train tiles, in the same order.
   */
  public static List<KernelTile> grid(int n, int m, int size) {
    List<KernelTile> tiles = new ArrayList<>(Math.toIntExact(count(n, m, size)));
    for (int r = 0; r < n; r += size) {
      for (int c = r; c < n; c += size) {
        tiles.add(
            new KernelTile(Block.TRAIN_TRAIN, r, Math.min(r + size, n), c, Math.min(c + size, n)));
      }
    }
    for (int r = 0; r < m; r += size) {
      for (int c = 0; c < n; c += size) {
        tiles.add(
            new KernelTile(Block.TEST_TRAIN, r, Math.min(r + size, m), c, Math.min(c + size, n)));
      }
    }
    return tiles;
  }

  /** How many tiles {@link #grid} gives, without building them. */
  public static long count(int n, int m, int size) {
    if (n < 1 || m < 0 || size < 1) {
      throw new IllegalArgumentException(
          "a tiling needs n >= 1, m >= 0 and size >= 1, got n="
              + n
              + ", m="
              + m
              + ", size="
              + size);
    }
    long b = (n + (long) size - 1) / size;
    long testBlocks = (m + (long) size - 1) / size;
    return b * (b + 1) / 2 + testBlocks * b;
  }
}
