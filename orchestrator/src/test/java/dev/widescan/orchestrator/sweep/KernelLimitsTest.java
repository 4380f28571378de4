package dev.widescan.orchestrator.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arrow.KernelTileCodec;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.unit.KernelTile;
import org.junit.jupiter.api.Test;

/** The size limits the spec parser enforces, against what the workers' arrays can hold. */
class KernelLimitsTest {

  /** The Arrow stream of a square tile of {@code n} examples a side, in bytes. */
  private static long encodedTile(int n) {
    KernelTile tile = new KernelTile(KernelTile.Block.TRAIN_TRAIN, 0, n, 0, n);
    return KernelTileCodec.encode(
            new KernelTileCodec.TileKernels(tile, Matrix.zeros(n, n), Matrix.zeros(n, n)))
        .length;
  }

  @Test
  void theLargestTileStillEncodesIntoOneByteArray() {
    // The stream grows as a·n² + b·n + c; fit it on three sizes (multiples of 64, so every Arrow
    // buffer is padded alike) and check a fourth before extrapolating.
    long s64 = encodedTile(64);
    long s128 = encodedTile(128);
    long s192 = encodedTile(192);
    double a = (s192 - 2.0 * s128 + s64) / (2.0 * 64 * 64);
    double b = (s128 - s64) / 64.0 - a * (128 + 64);
    double c = s64 - a * 64 * 64 - b * 64;
    assertEquals(encodedTile(256), a * 256 * 256 + b * 256 + c, 64);
    assertEquals(16.25, a, 1e-9, "two float64 kernels and their validity bitmaps per entry");
    int cap = SpecParser.MAX_TILE_SIZE;
    double atCap = a * cap * cap + b * cap + c;
    assertTrue(atCap < Integer.MAX_VALUE - 8, atCap + " bytes at the cap");
    double beyond = a * 11_600.0 * 11_600 + b * 11_600 + c;
    assertTrue(beyond > Integer.MAX_VALUE, "the cap is within 2% of what one array holds");
  }

  @Test
  void theLargestKernelStillFitsOneArray() {
    long n = SpecParser.MAX_KERNEL_TRAIN;
    assertTrue(n * n <= Integer.MAX_VALUE);
    assertTrue((n + 1) * (n + 1) > Integer.MAX_VALUE);
  }
}
