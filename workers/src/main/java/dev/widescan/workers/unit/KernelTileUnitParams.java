package dev.widescan.workers.unit;

/**
 * A kernel tile unit: the NNGP and NTK of {@code architecture} on one {@link KernelTile} of the
 * data, left as an artifact for the kernel unit that assembles the tiles. It holds nothing that
 * only the predictions need (kinds, diag_reg, t), so every kernel unit over the same data and
 * architecture shares its tiles.
 */
public record KernelTileUnitParams(
    DatasetSpec dataset, ArchitectureSpec architecture, KernelTile tile) {}
