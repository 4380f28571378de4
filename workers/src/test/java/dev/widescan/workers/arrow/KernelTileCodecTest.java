package dev.widescan.workers.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arrow.KernelTileCodec.TileKernels;
import dev.widescan.workers.arrow.PredictionsCodec.Predictions;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.unit.KernelTile;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelTileCodecTest {

  @Test
  void roundTripsATileBitForBit() {
    KernelTile tile = new KernelTile(KernelTile.Block.TEST_TRAIN, 7, 10, 100, 104);
    Matrix nngp =
        Matrix.of(
            new double[][] {
              {0.9, -0.1, Math.PI, -0.0}, {-1e-300, 1e300, Double.MIN_VALUE, 1}, {2, 3, 4, 5}
            });
    Matrix ntk = Matrix.of(new double[][] {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}});
    TileKernels back =
        KernelTileCodec.decode(KernelTileCodec.encode(new TileKernels(tile, nngp, ntk)));
    assertEquals(tile, back.tile());
    assertArrayEquals(nngp.data(), back.nngp().data(), 0.0);
    assertArrayEquals(ntk.data(), back.ntk().data(), 0.0);
  }

  @Test
  void roundTripsATileLargerThanArrowsFirstAllocation() {
    int side = 1500;
    SplittableRandom random = new SplittableRandom(1);
    double[] k = random.doubles((long) side * side).toArray();
    double[] t = random.doubles((long) side * side).toArray();
    KernelTile tile = new KernelTile(KernelTile.Block.TRAIN_TRAIN, 0, side, 0, side);
    TileKernels back =
        KernelTileCodec.decode(
            KernelTileCodec.encode(
                new TileKernels(tile, new Matrix(side, side, k), new Matrix(side, side, t))));
    assertArrayEquals(k, back.nngp().data(), 0.0);
    assertArrayEquals(t, back.ntk().data(), 0.0);
  }

  @Test
  void rejectsBlocksOfAnotherShapeThanTheTile() {
    KernelTile tile = new KernelTile(KernelTile.Block.TRAIN_TRAIN, 0, 2, 0, 2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TileKernels(tile, Matrix.zeros(2, 2), Matrix.zeros(2, 3)));
    assertTrue(e.getMessage().endsWith("needs 2x2 blocks, got 2x3"), e.getMessage());
  }

  @Test
  void refusesAStreamThatIsNotAKernelTile() {
    byte[] predictions =
        PredictionsCodec.encode(List.of(new Predictions("p", Matrix.zeros(1, 2))), new int[] {0});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> KernelTileCodec.decode(predictions));
    assertTrue(e.getMessage().startsWith("an Arrow stream without a kernel tile's metadata"));
  }
}
