package dev.widescan.workers.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.unit.KernelTile.Block;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KernelTileTest {
  private static final DatasetSpec DATA =
      new DatasetSpec("fashion-mnist", 600, 200, "standardize", "first", "centred", "abc");
  private static final ArchitectureSpec ARCH =
      new ArchitectureSpec("fc", "relu", 2, 1.5, 0.1, "ntk", null);

  /** Every entry on and above the train × train diagonal, and every test × train entry, once. */
  @ParameterizedTest
  @CsvSource({"600, 200, 256", "700, 1, 100", "5, 3, 1", "513, 512, 512", "10, 0, 3"})
  void gridCoversTheUpperTrainTriangleAndTheTestBlockExactlyOnce(int n, int m, int size) {
    List<KernelTile> grid = KernelTile.grid(n, m, size);
    int[][] train = new int[n][n];
    int[][] test = new int[m][n];
    for (KernelTile t : grid) {
      assertTrue(t.rows() <= size && t.cols() <= size, t.toString());
      for (int i = t.rowFrom(); i < t.rowTo(); i++) {
        for (int j = t.colFrom(); j < t.colTo(); j++) {
          if (t.block() == Block.TEST_TRAIN) {
            test[i][j]++;
          } else if (i <= j) {
            train[i][j]++;
          } else {
            assertTrue(t.onDiagonal(), "below the diagonal only in a symmetric tile: " + t);
          }
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        assertEquals(1, train[i][j], "train entry (" + i + ", " + j + ")");
      }
    }
    for (int[] row : test) {
      for (int covered : row) {
        assertEquals(1, covered);
      }
    }
    assertEquals(grid.size(), KernelTile.count(n, m, size));
  }

  @Test
  void sixHundredTrainAndTwoHundredTestInTilesOf256AreSixPlusThreeTiles() {
    List<KernelTile> grid = KernelTile.grid(600, 200, 256);
    assertEquals(
        List.of(
            new KernelTile(Block.TRAIN_TRAIN, 0, 256, 0, 256),
            new KernelTile(Block.TRAIN_TRAIN, 0, 256, 256, 512),
            new KernelTile(Block.TRAIN_TRAIN, 0, 256, 512, 600),
            new KernelTile(Block.TRAIN_TRAIN, 256, 512, 256, 512),
            new KernelTile(Block.TRAIN_TRAIN, 256, 512, 512, 600),
            new KernelTile(Block.TRAIN_TRAIN, 512, 600, 512, 600),
            new KernelTile(Block.TEST_TRAIN, 0, 200, 0, 256),
            new KernelTile(Block.TEST_TRAIN, 0, 200, 256, 512),
            new KernelTile(Block.TEST_TRAIN, 0, 200, 512, 600)),
        grid);
    assertEquals(60_000L * 60_001 / 2 + 60_000L * 60_000, KernelTile.count(60_000, 60_000, 1));
  }

  @Test
  void tileParametersSurviveTheirCanonicalJson() {
    KernelTileUnitParams p =
        new KernelTileUnitParams(DATA, ARCH, new KernelTile(Block.TEST_TRAIN, 0, 200, 256, 512));
    String json = UnitJson.write(p);
    assertTrue(
        json.contains(
            "\"tile\":{\"block\":\"test_train\",\"col_from\":256,\"col_to\":512,\"row_from\":0,"
                + "\"row_to\":200}"),
        json);
    assertEquals(p, UnitJson.read(json, KernelTileUnitParams.class));
  }

  @Test
  void anUntiledKernelUnitKeepsTheJsonItHadBeforeTiling() {
    KernelUnitParams p =
        new KernelUnitParams(
            DATA, ARCH, List.of("nngp"), List.of(1e-4), List.of("inf"), false, null);
    assertTrue(!UnitJson.write(p).contains("tile_size"), UnitJson.write(p));
    assertEquals(p, UnitJson.read(UnitJson.write(p), KernelUnitParams.class));
  }

  @Test
  void rejectsEmptyRanges() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new KernelTile(Block.TRAIN_TRAIN, 5, 5, 0, 3));
    assertEquals(
        "a kernel tile needs a block and non-empty ranges, got TRAIN_TRAIN [5, 5) x [0, 3)",
        e.getMessage());
  }
}
