package dev.widescan.workers.job;

import dev.widescan.workers.compute.UnitExecutor;
import dev.widescan.workers.data.DatasetRegistry;
import dev.widescan.workers.linalg.Blas;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Runs each unit on this worker's CPU; a unit that fails becomes a failed outcome, never a job
 * failure.
 */
public final class ComputeUnits extends RichMapFunction<WorkUnit, UnitOutcome> {
  private final JobSettings settings;
  private transient UnitExecutor executor;

  public ComputeUnits(JobSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
    Blas.setThreads(Runtime.getRuntime().availableProcessors() / parallelism);
    executor =
        new UnitExecutor(
            DatasetRegistry.forPath(settings.dataDir()),
            UnitClaimReader.workerName() + "/compute-" + subtask);
  }

  @Override
  public UnitOutcome map(WorkUnit unit) {
    return executor.run(unit);
  }
}
