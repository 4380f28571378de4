package dev.widescan.workers.compute;

import dev.widescan.workers.arrow.KernelTileCodec;
import dev.widescan.workers.arrow.KernelTileCodec.TileKernels;
import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.KernelState;
import dev.widescan.workers.kernel.Layer;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.unit.KernelTile;
import java.util.List;

/**
 * A large kernel in tiles: each tile computed on its own ({@link #compute}), then the full train ×
 * train and test × train kernels assembled from them ({@link #assemble}). Tiles assemble bit for
 * bit to the kernels computed whole (see {@link NeuralKernels}), so a tiled kernel unit predicts
 * exactly what the untiled one does. A tile needs O(size²) memory; the assembling unit the full n ×
 * n.
 */
final class TiledKernels {
  private TiledKernels() {}

  /** NNGP and NTK of {@code network} on one tile of the data. */
  static TileKernels compute(Layer network, Dataset data, KernelTile tile) {
    KernelState block =
        switch (tile.block()) {
          case TRAIN_TRAIN ->
              NeuralKernels.tile(
                  network,
                  data.xTrain(),
                  tile.rowFrom(),
                  tile.rowTo(),
                  tile.colFrom(),
                  tile.colTo());
          case TEST_TRAIN ->
              NeuralKernels.tile(
                  network,
                  data.xTest(),
                  tile.rowFrom(),
                  tile.rowTo(),
                  data.xTrain(),
                  tile.colFrom(),
                  tile.colTo());
        };
    return new TileKernels(tile, block.nngp(), block.ntk());
  }

  /**
   * The kernel blocks a prediction needs, from the tile artifacts of {@link KernelTile#grid}(n, m,
   * tileSize) in grid order: train × train tiles above the diagonal are mirrored below it. The test
   * diagonal (O(m) work) is computed here.
   *
   * @throws IllegalArgumentException if the artifacts are not exactly the grid's tiles in order
   */
  static KernelBlocks assemble(
      Layer network, Dataset data, int tileSize, List<String> artifacts, ArtifactStore store) {
    int n = data.xTrain().rows();
    int m = data.xTest().rows();
    List<KernelTile> grid = KernelTile.grid(n, m, tileSize);
    if (artifacts.size() != grid.size()) {
      throw new IllegalArgumentException(
          "a kernel on "
              + n
              + " training and "
              + m
              + " test examples in tiles of "
              + tileSize
              + " needs "
              + grid.size()
              + " tile artifacts, received "
              + artifacts.size());
    }
    Matrix nngpTrain = Matrix.zeros(n, n);
    Matrix ntkTrain = Matrix.zeros(n, n);
    Matrix nngpTest = Matrix.zeros(m, n);
    Matrix ntkTest = Matrix.zeros(m, n);
    for (int i = 0; i < grid.size(); i++) {
      TileKernels tile = read(store, artifacts.get(i));
      if (!tile.tile().equals(grid.get(i))) {
        throw new IllegalArgumentException(
            "tile artifact "
                + artifacts.get(i)
                + " holds "
                + tile.tile()
                + ", expected "
                + grid.get(i));
      }
      boolean train = tile.tile().block() == KernelTile.Block.TRAIN_TRAIN;
      place(train ? nngpTrain : nngpTest, tile.tile(), tile.nngp());
      place(train ? ntkTrain : ntkTest, tile.tile(), tile.ntk());
    }
    double[][] diagonal = NeuralKernels.diagonal(network, data.xTest());
    return new KernelBlocks(
        nngpTrain, nngpTest, null, ntkTrain, ntkTest, null, diagonal[0], diagonal[1]);
  }

  private static TileKernels read(ArtifactStore store, String artifact) {
    if (artifact == null) {
      throw new IllegalArgumentException("a kernel tile this unit needs left no artifact");
    }
    return KernelTileCodec.decode(store.read(artifact));
  }

  /**
   * Copies the block into its place, and its transpose below the diagonal for an off-diagonal train
   * tile.
   */
  private static void place(Matrix kernel, KernelTile tile, Matrix block) {
    double[] to = kernel.data();
    double[] from = block.data();
    int n = kernel.cols();
    boolean mirror = tile.block() == KernelTile.Block.TRAIN_TRAIN && !tile.onDiagonal();
    for (int i = 0; i < tile.rows(); i++) {
      System.arraycopy(
          from, i * tile.cols(), to, (tile.rowFrom() + i) * n + tile.colFrom(), tile.cols());
      if (mirror) {
        for (int j = 0; j < tile.cols(); j++) {
          to[(tile.colFrom() + j) * n + tile.rowFrom() + i] = from[i * tile.cols() + j];
        }
      }
    }
  }
}
