package dev.widescan.workers.compute;

import dev.widescan.workers.arrow.PredictionsCodec;
import dev.widescan.workers.arrow.PredictionsCodec.Predictions;
import dev.widescan.workers.data.Dataset;
import dev.widescan.workers.data.LoadedDataset;
import dev.widescan.workers.data.Targets;
import dev.widescan.workers.finite.Budget;
import dev.widescan.workers.finite.CurvePoint;
import dev.widescan.workers.finite.Examples;
import dev.widescan.workers.finite.FcSpec;
import dev.widescan.workers.finite.Loss;
import dev.widescan.workers.finite.SgdTrainer;
import dev.widescan.workers.finite.TrainingConfig;
import dev.widescan.workers.finite.TrainingRun;
import dev.widescan.workers.finite.WeightDecay;
import dev.widescan.workers.infer.Metrics;
import dev.widescan.workers.linalg.Matrix;
import dev.widescan.workers.unit.ArchitectureSpec;
import dev.widescan.workers.unit.CurveRow;
import dev.widescan.workers.unit.FiniteUnitParams;
import dev.widescan.workers.unit.ResultRow;
import dev.widescan.workers.unit.UnitOutcome;
import dev.widescan.workers.unit.WorkUnit;
import java.util.ArrayList;
import java.util.List;

/** Finite units: one network trained from one seed; divergence is a result, not a failure. */
final class FiniteRunner extends UnitRunner<FiniteUnitParams> {
  FiniteRunner(RunContext ctx) {
    super(ctx, FiniteUnitParams.class);
  }

  @Override
  UnitOutcome run(WorkUnit unit, FiniteUnitParams p, long start) {
    LoadedDataset loaded = ctx.datasets().get(p.dataset());
    Dataset data = loaded.data();
    ArchitectureSpec a = p.architecture();
    UnitArchitectures.requireFullyConnected(a, "a finite network");
    if (a.width() == null) {
      throw new IllegalArgumentException("a finite unit needs a width");
    }
    Loss loss = Loss.parse(p.loss() == null ? "mse" : p.loss());
    FcSpec spec =
        UnitArchitectures.fcSpec(a, data, loaded.trainTargets().cols(), "a finite network");
    Examples train = examples(loss, data.xTrain(), data.yTrain(), loaded.trainTargets(), data);
    Examples test = examples(loss, data.xTest(), data.yTest(), loaded.testTargets(), data);
    int batch = Math.min(p.batchSize(), train.size());
    long stepsPerEpoch = (train.size() + batch - 1) / batch;
    TrainingConfig config =
        TrainingConfig.sgd(
                p.lr(), p.steps() > 0 ? Budget.steps(p.steps()) : Budget.epochs(p.epochs()))
            .withLoss(loss)
            .withMomentum(p.momentum())
            .withWeightDecay(
                p.weightDecay(),
                WeightDecay.parse(p.weightDecayMode() == null ? "plain" : p.weightDecayMode()))
            .withBatchSize(p.batchSize())
            .withSeed(p.seed())
            .withCentred(p.centred())
            .withCurveEvery(p.curveEvery() > 0 ? p.curveEvery() : stepsPerEpoch);
    TrainingRun run = new SgdTrainer(config).run(spec, p.seed(), train, test);

    ResultRow.Training training =
        new ResultRow.Training(
            loss.id(),
            p.lr(),
            p.momentum(),
            p.weightDecay(),
            p.weightDecayMode(),
            p.centred(),
            p.epochs(),
            run.steps(),
            p.batchSize(),
            p.seed(),
            run.divergence().map(d -> d.step()).orElse(null),
            run.divergence().map(d -> d.reason()).orElse(null),
            run.trainSeconds());
    Matrix predictions = run.testPredictions().orElse(null);
    ResultRow row =
        new ResultRow(
            "finite",
            "finite",
            p.dataset(),
            a,
            training,
            null,
            null,
            predictions == null ? null : Metrics.accuracy(predictions, data.yTest()),
            predictions == null ? null : Metrics.mse(predictions, test.y()),
            finiteOrNull(run.last().trainLoss()));
    byte[] arrow =
        predictions == null
            ? null
            : PredictionsCodec.encode(
                List.of(new Predictions("finite", predictions)), data.yTest());
    return UnitOutcome.success(
        unit, List.of(row), curve(run), arrow, RunContext.seconds(start), ctx.worker());
  }

  /** Cross-entropy trains on plain one-hot labels; MSE on the targets the dataset specifies. */
  static Examples examples(Loss loss, Matrix x, int[] labels, Matrix targets, Dataset d) {
    Matrix y = loss == Loss.CROSS_ENTROPY ? Targets.ONE_HOT.encode(labels, d.classes()) : targets;
    return new Examples(x, y, labels);
  }

  private static List<CurveRow> curve(TrainingRun run) {
    List<CurveRow> rows = new ArrayList<>();
    for (CurvePoint c : run.curve()) {
      rows.add(
          new CurveRow(
              c.step(),
              c.time(),
              c.trainLoss(),
              c.trainAccuracy(),
              finiteOrNull(c.testLoss()),
              finiteOrNull(c.testAccuracy())));
    }
    return rows;
  }

  static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
