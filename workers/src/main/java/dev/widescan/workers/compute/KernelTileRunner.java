package dev.widescan.workers.compute;

import dev.widescan.workers.arrow.KernelTileCodec;
import dev.widescan.workers.arrow.KernelTileCodec.TileKernels;
import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.unit.KernelTileUnitParams;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.UnitOutcome.Artifact;
import dev.widescan.workers.unit.WorkUnit;

/** Kernel tile units: one block of a large kernel, left as an artifact. */
final class KernelTileRunner extends UnitRunner<KernelTileUnitParams> {
  KernelTileRunner(RunContext ctx) {
    super(ctx, KernelTileUnitParams.class);
  }

  /** One tile of a large kernel, left as an artifact for the kernel unit that assembles it. */
  @Override
  UnitOutcome run(WorkUnit unit, KernelTileUnitParams p, long start) {
    Dataset data = ctx.datasets().get(p.dataset()).data().channelsLast();
    TileKernels tile =
        TiledKernels.compute(UnitArchitectures.network(p.architecture(), data), data, p.tile());
    return UnitOutcome.success(
        unit,
        Artifact.kernelTile(KernelTileCodec.encode(tile)),
        RunContext.seconds(start),
        ctx.worker());
  }
}
