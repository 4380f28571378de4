package dev.widescan.workers.compute;

import dev.widescan.workers.arrow.PredictionsCodec;
import dev.widescan.workers.arrow.PredictionsCodec.Predictions;
import dev.widescan.workers.data.LoadedDataset;
import dev.widescan.workers.finite.Ensemble;
import dev.widescan.workers.finite.Examples;
import dev.widescan.workers.finite.Loss;
import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.unit.EnsembleUnitParams;
import dev.widescan.workers.unit.FiniteUnitParams;
import dev.widescan.workers.unit.ResultRow;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Ensemble units: the mean prediction of member networks, read from their artifacts. */
final class EnsembleRunner extends UnitRunner<EnsembleUnitParams> {
  EnsembleRunner(RunContext ctx) {
    super(ctx, EnsembleUnitParams.class);
  }

  /**
   * The ensemble's predictor is the mean of its members' test predictions (Lee et al. 2020, §3:
   * "ensembles of networks ... approach the kernel's prediction"), read from the artifacts the
   * members wrote. A member that left none (it diverged) makes the ensemble a result without
   * metrics that says which.
   */
  @Override
  UnitOutcome run(WorkUnit unit, EnsembleUnitParams p, long start) {
    FiniteUnitParams m = p.member();
    LoadedDataset loaded = ctx.datasets().get(m.dataset());
    Loss loss = Loss.parse(m.loss() == null ? "mse" : m.loss());
    Examples test =
        FiniteRunner.examples(
            loss,
            loaded.data().xTest(),
            loaded.data().yTest(),
            loaded.testTargets(),
            loaded.data());
    List<String> inputs = unit.inputArtifacts();
    if (inputs.size() != p.seeds().size()) {
      throw new IllegalStateException(
          "ensemble of "
              + p.seeds().size()
              + " seeds received "
              + inputs.size()
              + " member artifacts");
    }
    List<Matrix> members = new ArrayList<>();
    String missing = null;
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) == null) {
        missing = "member seed " + p.seeds().get(i) + " left no predictions (it diverged)";
        break;
      }
      members.add(readPredictions(ctx.artifacts(), inputs.get(i)));
    }
    Matrix mean = missing == null ? Ensemble.mean(members) : null;
    ResultRow.Training training =
        new ResultRow.Training(
            loss.id(),
            m.lr(),
            m.momentum(),
            m.weightDecay(),
            m.weightDecayMode(),
            m.centred(),
            m.epochs(),
            m.steps(),
            m.batchSize(),
            null,
            null,
            missing == null
                ? "mean of " + members.size() + " networks, seeds " + p.seeds()
                : missing,
            0.0);
    ResultRow row =
        new ResultRow(
            "ensemble",
            "ensemble",
            m.dataset(),
            m.architecture(),
            training,
            null,
            null,
            mean == null ? null : Metrics.accuracy(mean, loaded.data().yTest()),
            mean == null ? null : Metrics.mse(mean, test.y()),
            null);
    byte[] arrow =
        mean == null
            ? null
            : PredictionsCodec.encode(
                List.of(new Predictions("ensemble", mean)), loaded.data().yTest());
    return UnitOutcome.success(unit, List.of(row), arrow, RunContext.seconds(start), ctx.worker());
  }

  private static Matrix readPredictions(ArtifactStore artifacts, String artifact) {
    Map<String, Matrix> decoded = PredictionsCodec.decode(artifacts.read(artifact));
    Matrix finite = decoded.get("finite");
    if (finite == null) {
      throw new IllegalStateException("artifact " + artifact + " holds no 'finite' predictions");
    }
    return finite;
  }
}
