package dev.widescan.orchestrator.sweep;

import dev.widescan.workers.arch.Architecture;
import dev.widescan.workers.arch.ImageShape;
import dev.widescan.workers.data.DatasetRequest;
import dev.widescan.workers.kernel.NeuralKernels;
import dev.widescan.workers.nn.Parameterization;
import dev.widescan.workers.unit.ArchitectureSpec;
import dev.widescan.workers.unit.DatasetSpec;
import dev.widescan.workers.unit.EmpiricalUnitParams;
import dev.widescan.workers.unit.EnsembleUnitParams;
import dev.widescan.workers.unit.FiniteUnitParams;
import dev.widescan.workers.unit.KernelTile;
import dev.widescan.workers.unit.KernelTileUnitParams;
import dev.widescan.workers.unit.KernelUnitParams;
import dev.widescan.workers.unit.UnitJson;
import dev.widescan.workers.unit.UnitKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Expands a sweep into work units. A kernel unit is width-independent (NTK parameterization) and
 * yields NNGP and NTK at every diag_reg and t from one eigendecomposition, from kernels it computes
 * or, past the tile size, assembles from tile units; a finite unit is one network from one seed.
 * Each unit carries the content hash of its parameters, the dataset's content identity among them:
 * its identity across sweeps and users.
 */
public final class SweepExpander {
  private SweepExpander() {}

  /** A unit to be stored: what it computes and its canonical parameters. */
  public record PlannedUnit(
      UnitKind kind,
      String contentHash,
      String kernelKey,
      String paramsJson,
      List<String> dependsOn) {

    PlannedUnit(UnitKind kind, String contentHash, String kernelKey, String paramsJson) {
      this(kind, contentHash, kernelKey, paramsJson, List.of());
    }
  }

  /**
   * @param identity the content identity (hash) of the data a request selects; may throw {@link
   *     SpecValidationException} when the data can't be had
   */
  public static List<PlannedUnit> expand(
      SweepSpec spec, Function<DatasetRequest, String> identity) {
    List<PlannedUnit> units = new ArrayList<>();
    SweepSpec.Model m = spec.model();
    SweepSpec.Dataset d = spec.dataset();
    for (int train : d.train()) {
      DatasetSpec unplanned =
          new DatasetSpec(d.name(), train, d.test(), d.preprocess(), d.subset(), d.targets(), null);
      DatasetSpec data =
          new DatasetSpec(
              d.name(),
              train,
              d.test(),
              d.preprocess(),
              d.subset(),
              d.targets(),
              identity.apply(unplanned.request()));
      for (SweepSpec.Model.Point point : m.points()) {
        String family = point.family();
        String activation = point.activation();
        int depth = point.depth();
        double wStd = point.wStd();
        double bStd = point.bStd();
        String layers = point.layers();
        for (var variant : spec.kernel().map(SweepSpec.Kernel::variants).orElse(List.of())) {
          ArchitectureSpec kernelArch =
              new ArchitectureSpec(
                  family,
                  activation,
                  depth,
                  wStd,
                  bStd,
                  variant.getKey(),
                  variant.getValue(),
                  layers);
          addKernel(units, spec.kernel().orElseThrow(), data, kernelArch);
        }
        spec.finite()
            .ifPresent(f -> addFinite(units, f, data, family, activation, depth, wStd, bStd));
        spec.empirical()
            .ifPresent(
                e -> {
                  SweepSpec.Kernel k =
                      spec.kernel()
                          .orElse(
                              new SweepSpec.Kernel(
                                  List.of("nngp", "ntk"),
                                  List.of(1e-4),
                                  List.of("inf"),
                                  List.of(),
                                  List.of(),
                                  false,
                                  null));
                  for (int width : e.width()) {
                    for (String parameterization : e.parameterization()) {
                      for (int seed : e.seeds()) {
                        EmpiricalUnitParams params =
                            new EmpiricalUnitParams(
                                data,
                                new ArchitectureSpec(
                                    family, activation, depth, wStd, bStd, parameterization, width),
                                e.samples(),
                                seed,
                                k.kinds(),
                                k.diagReg(),
                                k.t());
                        String hash = UnitJson.contentHash(UnitKind.EMPIRICAL, params);
                        units.add(
                            new PlannedUnit(
                                UnitKind.EMPIRICAL, hash, hash, UnitJson.write(params)));
                      }
                    }
                  }
                });
      }
    }
    return units;
  }

  /**
   * One kernel unit, preceded by its tile units when its training set has more examples than a
   * tile: it depends on them and assembles its kernels from their artifacts. Tiles hold only the
   * data and architecture, so kernel units that differ in diag_reg, t or kinds share them. Each
   * tile is keyed by its own hash, so that a kernel's tiles spread over the workers.
   */
  private static void addKernel(
      List<PlannedUnit> units, SweepSpec.Kernel k, DatasetSpec data, ArchitectureSpec arch) {
    Integer tileSize = tiled(data.train(), k.tileSize()) ? k.tileSize() : null;
    List<String> tiles = new ArrayList<>();
    if (tileSize != null) {
      for (KernelTile tile : KernelTile.grid(data.train(), data.test(), tileSize)) {
        KernelTileUnitParams params = new KernelTileUnitParams(data, arch, tile);
        String hash = UnitJson.contentHash(UnitKind.KERNEL_TILE, params);
        units.add(new PlannedUnit(UnitKind.KERNEL_TILE, hash, hash, UnitJson.write(params)));
        tiles.add(hash);
      }
    }
    KernelUnitParams params =
        new KernelUnitParams(data, arch, k.kinds(), k.diagReg(), k.t(), k.variance(), tileSize);
    units.add(
        new PlannedUnit(
            UnitKind.KERNEL,
            UnitJson.contentHash(UnitKind.KERNEL, params),
            UnitJson.contentHash(UnitKind.KERNEL, List.of(data, arch)),
            UnitJson.write(params),
            tiles));
  }

  /** A kernel on {@code train} examples is computed in tiles when it has more than one tile's. */
  private static boolean tiled(int train, Integer tileSize) {
    return tileSize != null && train > tileSize;
  }

  private static void addFinite(
      List<PlannedUnit> units,
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
        for (String loss : f.loss()) {
          for (boolean centred : f.centred()) {
            for (double lr : f.lr()) {
              for (double wd : f.weightDecay()) {
                List<String> members = new ArrayList<>();
                FiniteUnitParams first = null;
                for (int seed : f.seeds()) {
                  FiniteUnitParams params =
                      new FiniteUnitParams(
                          data,
                          arch,
                          loss,
                          lr,
                          f.momentum(),
                          wd,
                          f.weightDecayMode(),
                          centred,
                          f.epochs(),
                          f.steps(),
                          f.batchSize(),
                          seed,
                          f.curveEvery());
                  String hash = UnitJson.contentHash(UnitKind.FINITE, params);
                  units.add(new PlannedUnit(UnitKind.FINITE, hash, hash, UnitJson.write(params)));
                  members.add(hash);
                  first = first == null ? params : first;
                }
                if (f.ensemble()) {
                  EnsembleUnitParams ensemble = new EnsembleUnitParams(first, f.seeds());
                  String hash = UnitJson.contentHash(UnitKind.ENSEMBLE, ensemble);
                  units.add(
                      new PlannedUnit(
                          UnitKind.ENSEMBLE, hash, hash, UnitJson.write(ensemble), members));
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * Checks every architecture against the data set's examples: a conv or pooling layer on vectors,
   * a window larger than the image that reaches it, or a standard-parameterization kernel without
   * the widths its fan-ins need, is a 400 naming the layer by its position.
   *
   * @param shape the data set's image shape, or null for vectors
   */
  public static void requireFits(SweepSpec spec, ImageShape shape) {
    List<FieldError> errors = new ArrayList<>();
    for (SweepSpec.Model.Point point : spec.model().points()) {
      if (point.layers() == null) {
        continue;
      }
      String field = spec.model().family().equals("layers") ? "model.layers" : "model";
      try {
        Architecture arch = Architecture.parse(point.layers(), point.wStd(), point.bStd());
        arch.validate(shape);
        for (var variant : spec.kernel().map(SweepSpec.Kernel::variants).orElse(List.of())) {
          NeuralKernels.network(
              arch,
              Parameterization.parse(variant.getKey()),
              variant.getValue() == null ? 0 : variant.getValue(),
              shape);
        }
      } catch (IllegalArgumentException e) {
        String message =
            (spec.model().family().equals("layers") ? "" : point.layers() + ": ")
                + e.getMessage()
                + (shape == null ? "" : " (data set " + spec.dataset().name() + ": " + shape + ")");
        if (errors.stream().noneMatch(err -> err.message().equals(message))) {
          errors.add(new FieldError(field, message));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new SpecValidationException(errors);
    }
  }

  /** How many units {@link #expand} would produce, without building them. */
  public static long unitCount(SweepSpec spec) {
    SweepSpec.Model m = spec.model();
    long perTrainSize = m.count();
    long kernel = spec.kernel().map(k -> (long) k.variants().size()).orElse(0L);
    long finite =
        spec.finite()
            .map(
                f ->
                    (long) f.width().size()
                        * f.parameterization().size()
                        * f.loss().size()
                        * f.centred().size()
                        * f.lr().size()
                        * f.weightDecay().size()
                        * (f.seeds().size() + (f.ensemble() ? 1 : 0)))
            .orElse(0L);
    long empirical =
        spec.empirical()
            .map(e -> (long) e.width().size() * e.parameterization().size() * e.seeds().size())
            .orElse(0L);
    long units = 0;
    for (int train : spec.dataset().train()) {
      long tiles =
          spec.kernel()
              .filter(k -> tiled(train, k.tileSize()))
              .map(k -> KernelTile.count(train, spec.dataset().test(), k.tileSize()))
              .orElse(0L);
      units += perTrainSize * (kernel * (1 + tiles) + finite + empirical);
    }
    return units;
  }
}
