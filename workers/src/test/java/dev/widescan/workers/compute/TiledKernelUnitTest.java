package dev.widescan.workers.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.widescan.workers.arrow.KernelTileCodec;
import dev.widescan.workers.arrow.KernelTileCodec.TileKernels;
import dev.widescan.workers.data.Checksums;
import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.kernel.FcArchitecture;
import dev.widescan.workers.kernel.KernelBlocks;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.nn.Activation;
import dev.widescan.workers.nn.Parameterization;
import dev.widescan.workers.unit.ArchitectureSpec;
import dev.widescan.workers.unit.DatasetSpec;
import dev.widescan.workers.unit.KernelTile;
import dev.widescan.workers.unit.KernelTileUnitParams;
import dev.widescan.workers.unit.KernelUnitParams;
import dev.widescan.workers.unit.ResultRow;
import dev.widescan.workers.unit.UnitJson;
import dev.widescan.workers.unit.UnitKind;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A kernel unit assembled from tile units predicts bit for bit what the kernel unit computed whole
 * does: 600 training and 200 test images of the bundled Fashion-MNIST subset in tiles of 256, i.e.
 * 3 × 3 train × train blocks (6 on and above the diagonal) and 1 × 3 test × train blocks.
 */
class TiledKernelUnitTest {
  private static final DatasetSpec DATA =
      new DatasetSpec("fashion-mnist", 600, 200, "standardize", "first", "centred", null);
  private static final int TILE = 256;

  private final DatasetRegistry registry =
      new DatasetRegistry(List.of(), true, new Checksums(Optional.empty()));
  private final UnitExecutor executor = new UnitExecutor(registry, "t");

  @TempDir Path artifacts;

  static Stream<ArchitectureSpec> architectures() {
    return Stream.of(
        new ArchitectureSpec("fc", "relu", 2, Math.sqrt(2), 0.1, "ntk", null),
        new ArchitectureSpec("fc", "erf", 1, 1.5, 0.2, "standard", 256));
  }

  @ParameterizedTest
  @MethodSource("architectures")
  void aKernelAssembledFromTilesPredictsExactlyWhatTheWholeKernelDoes(ArchitectureSpec arch)
      throws IOException {
    UnitOutcome whole = executor.run(kernelUnit(arch, null, List.of()));
    List<String> tiles = runTiles(arch);
    UnitOutcome tiled = executor.run(kernelUnit(arch, TILE, tiles));

    assertEquals(
        9, tiles.size(), "6 train x train tiles on and above the diagonal, 3 test x train");
    assertTrue(whole.succeeded() && tiled.succeeded(), whole.error() + " / " + tiled.error());
    // 2 NNGP ridges, 2 ridges x 2 times of NTK.
    assertEquals(6, tiled.rows().size());
    assertEquals(whole.rows(), tiled.rows(), "accuracies, MSEs and mean variances bit for bit");
    assertArrayEquals(
        whole.artifact().arrow(), tiled.artifact().arrow(), "every prediction and variance");
    ResultRow nngp = tiled.rows().get(0);
    assertEquals("nngp", nngp.model());
    assertTrue(nngp.testAccuracy() > 0.6, "NNGP accuracy " + nngp.testAccuracy());
    assertTrue(nngp.testVariance() > 0, "NNGP variance " + nngp.testVariance());
  }

  /**
   * The solve reads only the upper train triangle; the assembled kernels are whole all the same.
   */
  @Test
  void assembledKernelsEqualTheKernelsComputedWholeBitForBit() throws IOException {
    List<String> tiles = runTiles(architectures().findFirst().orElseThrow());
    FcArchitecture arch =
        new FcArchitecture(2, Activation.RELU, Math.sqrt(2), 0.1, Parameterization.NTK, 0);
    Dataset data = registry.load(DATA.request()).data();
    KernelBlocks whole = NeuralKernels.fc(arch, data.xTrain(), data.xTest());
    KernelBlocks tiled =
        TiledKernels.assemble(arch.network(), data, TILE, tiles, ArtifactStore.files());
    assertArrayEquals(whole.nngpTrainTrain().data(), tiled.nngpTrainTrain().data(), 0.0);
    assertArrayEquals(whole.ntkTrainTrain().data(), tiled.ntkTrainTrain().data(), 0.0);
    assertArrayEquals(whole.nngpTestTrain().data(), tiled.nngpTestTrain().data(), 0.0);
    assertArrayEquals(whole.ntkTestTrain().data(), tiled.ntkTestTrain().data(), 0.0);
    assertArrayEquals(whole.nngpTestDiagonal(), tiled.nngpTestDiagonal(), 0.0);
    assertArrayEquals(whole.ntkTestDiagonal(), tiled.ntkTestDiagonal(), 0.0);
  }

  @Test
  void aTileUnitLeavesOnlyItsKernelBlockAsAnArtifact() throws IOException {
    ArchitectureSpec arch = architectures().findFirst().orElseThrow();
    KernelTile tile = KernelTile.grid(600, 200, TILE).get(1);
    UnitOutcome outcome = executor.run(tileUnit(arch, tile));
    assertTrue(outcome.succeeded(), outcome.error());
    assertEquals(List.of(), outcome.rows());
    assertEquals("kernel-tile", outcome.artifact().name());
    TileKernels back = KernelTileCodec.decode(outcome.artifact().arrow());
    assertEquals(tile, back.tile());
    assertEquals(256, back.nngp().rows());
  }

  @Test
  void aKernelUnitWhoseTilesDoNotMatchItsGridFailsSayingWhy() throws IOException {
    ArchitectureSpec arch = architectures().findFirst().orElseThrow();
    List<String> tiles = runTiles(arch);

    UnitOutcome missing = executor.run(kernelUnit(arch, TILE, tiles.subList(0, 8)));
    assertFalse(missing.retryable());
    assertEquals(
        "a kernel on 600 training and 200 test examples in tiles of 256 needs 9 tile artifacts,"
            + " received 8",
        missing.error());

    List<String> swapped = new ArrayList<>(tiles);
    swapped.set(0, tiles.get(1));
    swapped.set(1, tiles.get(0));
    UnitOutcome misplaced = executor.run(kernelUnit(arch, TILE, swapped));
    assertTrue(
        misplaced.error().startsWith("tile artifact " + tiles.get(1) + " holds KernelTile["),
        misplaced.error());
    assertTrue(
        misplaced.error().endsWith("expected " + KernelTile.grid(600, 200, TILE).get(0)),
        misplaced.error());
  }

  /** Runs every tile of the grid and writes its artifact as the result sink would. */
  private List<String> runTiles(ArchitectureSpec arch) throws IOException {
    List<String> paths = new ArrayList<>();
    for (KernelTile tile : KernelTile.grid(DATA.train(), DATA.test(), TILE)) {
      UnitOutcome outcome = executor.run(tileUnit(arch, tile));
      assertTrue(outcome.succeeded(), outcome.error());
      Path file = artifacts.resolve("unit-" + paths.size() + "-kernel-tile.arrow");
      Files.write(file, outcome.artifact().arrow());
      paths.add(file.toString());
    }
    return paths;
  }

  private static WorkUnit tileUnit(ArchitectureSpec arch, KernelTile tile) {
    KernelTileUnitParams p = new KernelTileUnitParams(DATA, arch, tile);
    return new WorkUnit(1, UnitKind.KERNEL_TILE, "k", UnitJson.write(p), 1);
  }

  private static WorkUnit kernelUnit(ArchitectureSpec arch, Integer tileSize, List<String> tiles) {
    KernelUnitParams p =
        new KernelUnitParams(
            DATA,
            arch,
            List.of("nngp", "ntk"),
            List.of(1e-4, 1e-2),
            List.of("10.0", "inf"),
            true,
            tileSize);
    return new WorkUnit(2, UnitKind.KERNEL, "k", UnitJson.write(p), 1, tiles);
  }
}
