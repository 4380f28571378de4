package dev.widescan.workers.compute;

import dev.widescan.workers.data.DatasetException;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.infer.NotPositiveDefiniteException;
import dev.widescan.workers.unit.UnitKind;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.util.EnumMap;
import java.util.Map;

/**
 * Computes one work unit on the CPU through the runner of its kind: kernels and their predictions,
 * or a trained finite network. It knows nothing of Flink; a failure becomes a failed {@link
 * UnitOutcome} with its reason, and is marked retryable only when it is not a property of the unit
 * itself. A finite network that diverges is a result (a row saying where and why), not a failure.
 */
public final class UnitExecutor {
  private final String worker;
  private final Map<UnitKind, UnitRunner<?>> runners = new EnumMap<>(UnitKind.class);

  public UnitExecutor(DatasetRegistry registry, String worker) {
    this(registry, worker, ArtifactStore.files());
  }

  public UnitExecutor(DatasetRegistry registry, String worker, ArtifactStore artifacts) {
    this.worker = worker;
    RunContext ctx = new RunContext(new DatasetCache(registry), artifacts, worker);
    runners.put(UnitKind.KERNEL, new KernelRunner(ctx));
    runners.put(UnitKind.KERNEL_TILE, new KernelTileRunner(ctx));
    runners.put(UnitKind.FINITE, new FiniteRunner(ctx));
    runners.put(UnitKind.ENSEMBLE, new EnsembleRunner(ctx));
    runners.put(UnitKind.EMPIRICAL, new EmpiricalRunner(ctx));
  }

  public UnitOutcome run(WorkUnit unit) {
    long start = System.nanoTime();
    try {
      return runners.get(unit.kind()).run(unit, start);
    } catch (NotPositiveDefiniteException | IllegalArgumentException | DatasetException e) {
      return UnitOutcome.failure(unit, e.getMessage(), false, RunContext.seconds(start), worker);
    } catch (RuntimeException | OutOfMemoryError e) {
      return UnitOutcome.failure(
          unit,
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          true,
          RunContext.seconds(start),
          worker);
    }
  }
}
