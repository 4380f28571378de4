package dev.widescan.orchestrator.sweep;

import dev.widescan.workers.unit.ArchitectureSpec;
import dev.widescan.workers.unit.DatasetSpec;
import dev.widescan.workers.unit.FiniteUnitParams;
import dev.widescan.workers.unit.KernelUnitParams;
import dev.widescan.workers.unit.UnitJson;
import dev.widescan.workers.unit.UnitKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands a sweep into work units. A kernel unit is width-independent (NTK parameterization) and
 * yields NNGP and NTK at every diag_reg and t from one eigendecomposition; a finite unit is one
 * network from one seed. Each unit carries the content hash of its parameters, its identity across
 * sweeps and users.
 */
public final class SweepExpander {
  private SweepExpander() {}

  /** A unit to be stored: what it computes and its canonical parameters. */
  public record PlannedUnit(
      UnitKind kind, String contentHash, String kernelKey, String paramsJson) {}

  public static List<PlannedUnit> expand(SweepSpec spec) {
    List<PlannedUnit> units = new ArrayList<>();
    SweepSpec.Model m = spec.model();
    for (int train : spec.dataset().train()) {
      DatasetSpec data =
          new DatasetSpec(
              spec.dataset().name(), train, spec.dataset().test(), spec.dataset().preprocess());
      for (String activation : m.activation()) {
        for (int depth : m.depth()) {
          for (double wStd : m.wStd()) {
            for (double bStd : m.bStd()) {
              ArchitectureSpec kernelArch =
                  new ArchitectureSpec(m.family(), activation, depth, wStd, bStd, "ntk", null);
              String kernelKey = UnitJson.contentHash(UnitKind.KERNEL, List.of(data, kernelArch));
              spec.kernel()
                  .ifPresent(
                      k -> {
                        KernelUnitParams params =
                            new KernelUnitParams(
                                data,
                                kernelArch,
                                k.kinds(),
                                k.diagReg(),
                                k.t(),
                                spec.targetShift());
                        units.add(
                            new PlannedUnit(
                                UnitKind.KERNEL,
                                UnitJson.contentHash(UnitKind.KERNEL, params),
                                kernelKey,
                                UnitJson.write(params)));
                      });
              spec.finite()
                  .ifPresent(
                      f ->
                          addFinite(
                              units, spec, f, data, m.family(), activation, depth, wStd, bStd));
            }
          }
        }
      }
    }
    return units;
  }

  private static void addFinite(
      List<PlannedUnit> units,
      SweepSpec spec,
      SweepSpec.Finite f,
      DatasetSpec data,
      String family,
      String activation,
      int depth,
      double wStd,
      double bStd) {
    for (int width : f.width()) {
      for (String parameterization : f.parameterization()) {
        ArchitectureSpec arch =
            new ArchitectureSpec(family, activation, depth, wStd, bStd, parameterization, width);
        for (double lr : f.lr()) {
          for (double wd : f.weightDecay()) {
            for (int seed : f.seeds()) {
              FiniteUnitParams params =
                  new FiniteUnitParams(
                      data,
                      arch,
                      lr,
                      f.momentum(),
                      wd,
                      f.epochs(),
                      f.batchSize(),
                      seed,
                      spec.targetShift());
              String hash = UnitJson.contentHash(UnitKind.FINITE, params);
              units.add(new PlannedUnit(UnitKind.FINITE, hash, hash, UnitJson.write(params)));
            }
          }
        }
      }
    }
  }

  /** How many units {@link #expand} would produce, without building them. */
  public static long unitCount(SweepSpec spec) {
    SweepSpec.Model m = spec.model();
    long architectures =
        (long) spec.dataset().train().size()
            * m.activation().size()
            * m.depth().size()
            * m.wStd().size()
            * m.bStd().size();
    long kernel = spec.kernel().isPresent() ? 1 : 0;
    long finite =
        spec.finite()
            .map(
                f ->
                    (long) f.width().size()
                        * f.parameterization().size()
                        * f.lr().size()
                        * f.weightDecay().size()
                        * f.seeds().size())
            .orElse(0L);
    return architectures * (kernel + finite);
  }
}
