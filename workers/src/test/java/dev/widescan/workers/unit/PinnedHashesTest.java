package dev.widescan.workers.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the content hashes of a few units. The team's cache is keyed by these hashes: a change to a
 * params record, its JSON or the hashing that re-keys stored units fails here, not silently in
 * every lab's database. Update a pinned value only together with a migration of the stored units.
 */
class PinnedHashesTest {
  private static final DatasetSpec DATA =
      new DatasetSpec("fashion-mnist", 1000, 1000, "standardize", "first", "centred", "sha256:abc");

  @Test
  void fullyConnectedKernelUnitsKeepTheHashTheyHadBeforeLayerLists() {
    ArchitectureSpec fc =
        new ArchitectureSpec("fc", "relu", 2, 1.4142135623730951, 0.1, "ntk", null);
    KernelUnitParams p =
        new KernelUnitParams(
            DATA, fc, List.of("nngp", "ntk"), List.of(1e-4), List.of("inf"), false, null);
    assertEquals(
        "6e10535c34360f8e3cd063fdb7722c0f776aaaf2ea3f994489a7081776b62031",
        UnitJson.contentHash(UnitKind.KERNEL, p));
  }

  @Test
  void standardParameterizationTiledKernelUnitsKeepTheirHash() {
    ArchitectureSpec fc = new ArchitectureSpec("fc", "erf", 1, 1.5, 0.05, "standard", 256);
    KernelUnitParams p =
        new KernelUnitParams(
            DATA, fc, List.of("ntk"), List.of(1e-3, 1e-2), List.of("10", "inf"), true, 512);
    assertEquals(
        "dcc543ae7851f318f486730b3bcae5e76bb9f9e5bea6d429009063fd7855cacc",
        UnitJson.contentHash(UnitKind.KERNEL, p));
  }

  @Test
  void convolutionalKernelUnitsAreKeyedByTheirCanonicalLayers() {
    ArchitectureSpec cnn =
        new ArchitectureSpec(
            "cnn",
            "relu",
            2,
            1.4142135623730951,
            0.1,
            "ntk",
            null,
            "conv(filter=3)>relu>conv(filter=3)>relu>global_avg_pool>dense");
    KernelUnitParams p =
        new KernelUnitParams(
            DATA, cnn, List.of("nngp", "ntk"), List.of(1e-4), List.of("inf"), false, null);
    assertEquals(
        "912a6de7184eb62a2c9687d501c21bfb9547daab35c420774e8b3c8be2a64143",
        UnitJson.contentHash(UnitKind.KERNEL, p));
  }
}
