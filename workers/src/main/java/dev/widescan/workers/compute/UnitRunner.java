package dev.widescan.workers.compute;

import dev.widescan.workers.unit.UnitJson;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;

/**
 * Computes the units of one kind from their parameters. A unit that cannot be computed throws;
 * {@link UnitExecutor} turns that into a failed outcome with its reason.
 *
 * @param <P> the kind's parameter record, read from the unit's JSON
 */
abstract class UnitRunner<P> {
  final RunContext ctx;
  private final Class<P> params;

  UnitRunner(RunContext ctx, Class<P> params) {
    this.ctx = ctx;
    this.params = params;
  }

  final UnitOutcome run(WorkUnit unit, long startNanos) {
    return run(unit, UnitJson.read(unit.paramsJson(), params), startNanos);
  }

  abstract UnitOutcome run(WorkUnit unit, P p, long startNanos);
}
